import { CST, Lexer } from 'yaml';

/**
 * How deep a YAML text nests, found by the lexer alone (linear, little memory) before the text is
 * parsed: the parser takes seconds and hundreds of MB on a text of a few hundred thousand `[` (or
 * `- - - …`, `{a: {a: …`) and blocks the daemon meanwhile. No Kubernetes object nests anywhere near
 * MAX_YAML_DEPTH in flow style (`[`, `{`) or in compact block style on one line (`- - x`, `? ? x`);
 * deep block nesting by indentation needs lines as long as it is deep, so the text's size bounds it.
 */
export const MAX_YAML_DEPTH = 100;

/** Why `text` nests too deep to be parsed (naming the line), or null. */
export function yamlDepthError(text: string, max = MAX_YAML_DEPTH): string | null {
  let line = 1;
  let flow = 0;
  let compact = 0;
  let scalarNext = false;
  for (const token of new Lexer().lex(text)) {
    // The token after a scalar marker is the scalar's text (a block scalar's whole body): data.
    if (scalarNext) {
      scalarNext = false;
      line += countNewlines(token);
      continue;
    }
    switch (CST.tokenType(token)) {
      case 'scalar':
        scalarNext = true;
        break;
      case 'newline':
        line++;
        compact = 0;
        break;
      case 'flow-map-start':
      case 'flow-seq-start':
        if (++flow > max) return tooDeep(line, max, 'brackets [ or braces {');
        break;
      case 'flow-map-end':
      case 'flow-seq-end':
        if (flow > 0) flow--;
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
        if (++compact > max) return tooDeep(line, max, '"- " or "? " on one line');
        break;
      default:
        // Quoted scalars and comments may span lines.
        line += countNewlines(token);
    }
  }
  return null;
}

const tooDeep = (line: number, max: number, what: string): string =>
  `the YAML nests more than ${max} levels deep (${what}) at line ${line}; no object's YAML does`;

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
