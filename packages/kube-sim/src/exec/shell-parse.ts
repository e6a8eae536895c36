/** Splits a shell command line into pipelines of words: quotes, $VAR expansion, ; && || | > >>. */

export type Connector = ';' | '&&' | '||';

export interface SimpleCommand {
  words: string[];
  /** Output redirection, if any. */
  redirect?: { path: string; append: boolean };
}

export interface Pipeline {
  commands: SimpleCommand[];
  /** How this pipeline connects to the previous one. */
  connector: Connector;
}

export class ParseError extends Error {}

type Tok = { w: string } | { op: string };

function tokenize(line: string, vars: (name: string) => string): Tok[] {
  const toks: Tok[] = [];
  let cur = '';
  let has = false;
  let i = 0;
  const push = (): void => {
    if (has) toks.push({ w: cur });
    cur = '';
    has = false;
  };
  const expand = (j: number): [string, number] => {
    // line[j] === '$'
    const rest = line.slice(j + 1);
    let m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    if (m) return [vars(m[1] ?? ''), j + 1 + m[0].length];
    m = /^([A-Za-z_][A-Za-z0-9_]*|\?|\$|#|[0-9])/.exec(rest);
    if (m) return [vars(m[1] ?? ''), j + 1 + m[0].length];
    return ['$', j + 1];
  };
  while (i < line.length) {
    const c = line[i] as string;
    if (c === '#' && !has) break;
    if (c === ' ' || c === '\t' || c === '\n') { push(); i++; continue; }
    if (c === ';') { push(); toks.push({ op: ';' }); i++; continue; }
    if (c === '&' && line[i + 1] === '&') { push(); toks.push({ op: '&&' }); i += 2; continue; }
    if (c === '|' && line[i + 1] === '|') { push(); toks.push({ op: '||' }); i += 2; continue; }
    if (c === '|') { push(); toks.push({ op: '|' }); i++; continue; }
    if (c === '>') { push(); if (line[i + 1] === '>') { toks.push({ op: '>>' }); i += 2; } else { toks.push({ op: '>' }); i++; } continue; }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ParseError('unterminated quoted string');
      cur += line.slice(i + 1, end);
      has = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      has = true;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) { cur += line[i + 1]; i += 2; continue; }
        if (line[i] === '$') { const [v, n] = expand(i); cur += v; i = n; continue; }
        cur += line[i];
        i++;
      }
      if (i >= line.length) throw new ParseError('unterminated quoted string');
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < line.length) { cur += line[i + 1]; has = true; i += 2; continue; }
    if (c === '$') { const [v, n] = expand(i); cur += v; has = true; i = n; continue; }
    cur += c;
    has = true;
    i++;
  }
  push();
  return toks;
}

export function parse(line: string, vars: (name: string) => string): Pipeline[] {
  const toks = tokenize(line, vars);
  const out: Pipeline[] = [];
  let connector: Connector = ';';
  let commands: SimpleCommand[] = [];
  let cmd: SimpleCommand = { words: [] };
  const endCommand = (): void => {
    if (cmd.words.length > 0) commands.push(cmd);
    else if (cmd.redirect) throw new ParseError('syntax error: redirection without a command');
    cmd = { words: [] };
  };
  const endPipeline = (next: Connector): void => {
    endCommand();
    if (commands.length > 0) out.push({ commands, connector });
    else if (next !== ';') throw new ParseError(`syntax error near unexpected token \`${next}'`);
    commands = [];
    connector = next;
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as Tok;
    if ('w' in t) { cmd.words.push(t.w); continue; }
    if (t.op === '>' || t.op === '>>') {
      const target = toks[i + 1];
      if (!target || !('w' in target)) throw new ParseError('syntax error near unexpected token `newline\'');
      cmd.redirect = { path: target.w, append: t.op === '>>' };
      i++;
      continue;
    }
    if (t.op === '|') { if (cmd.words.length === 0) throw new ParseError("syntax error near unexpected token `|'"); endCommand(); continue; }
    endPipeline(t.op as Connector);
  }
  endPipeline(';');
  return out;
}
