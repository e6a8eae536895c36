import type { TermRun, TerminalView } from '@kubetile/rpc-schema';
import { charWidth, fit, sanitize, sanitizeCells } from '../util/text.js';
import { seg, type SegLine } from './segments.js';
import { styleFor, type TextStyle } from './theme.js';

/** A run's look: its colours (palette indices or #rrggbb) and attributes, as the client draws text. */
function runStyle(r: TermRun): TextStyle | undefined {
  const s: TextStyle = {};
  if (r.fg !== undefined) s.color = r.fg;
  if (r.bg !== undefined) s.backgroundColor = r.bg;
  if (r.bold) s.bold = true;
  if (r.dim) s.dim = true;
  if (r.italic) s.italic = true;
  if (r.underline) s.underline = true;
  if (r.inverse) s.inverse = true;
  return Object.keys(s).length > 0 ? s : undefined;
}

/**
 * One screen row as exactly `cols` cells: the runs cut where the pane ends (no ellipsis: a terminal
 * cuts), blanks after them, and the cursor cell drawn inverted when `cursorCol` is set.
 */
export function terminalRow(runs: readonly TermRun[], cols: number, cursorCol: number | null): SegLine {
  const out: SegLine = [];
  let used = 0;
  let cursorDrawn = cursorCol === null;
  const push = (text: string, style: TextStyle | undefined): void => {
    if (text) out.push(seg(text, style));
  };
  for (const r of runs) {
    if (used >= cols) break;
    const style = runStyle(r);
    let text = '';
    for (const ch of sanitizeCells(r.text)) {
      const w = charWidth(ch.codePointAt(0)!);
      if (w === 0) {
        // A combining mark stays with the cell before it.
        text += ch;
        continue;
      }
      if (used + w > cols) break;
      if (!cursorDrawn && used === cursorCol) {
        push(text, style);
        text = '';
        out.push(seg(ch, { ...style, inverse: !style?.inverse }));
        cursorDrawn = true;
      } else text += ch;
      used += w;
    }
    push(text, style);
  }
  if (!cursorDrawn && cursorCol !== null && cursorCol < cols && cursorCol >= used) {
    if (cursorCol > used) out.push(seg(' '.repeat(cursorCol - used)));
    out.push(seg(' ', { inverse: true }));
    used = cursorCol + 1;
  }
  if (used < cols) out.push(seg(' '.repeat(cols - used)));
  return out;
}

/** A terminal view as exactly `rows` lines of `cols` cells; the footer (the shell's state) last, dimmed. */
export function terminalLines(view: TerminalView, cols: number, rows: number, focused = true): SegLine[] {
  if (rows <= 0 || cols <= 0) return [];
  const footer = view.footer !== undefined && rows > 1 ? sanitize(view.footer) : undefined;
  const body = rows - (footer !== undefined ? 1 : 0);
  const out: SegLine[] = [];
  for (let i = 0; i < body; i++) {
    const cursorCol = focused && view.cursor && view.cursor.row === i ? view.cursor.col : null;
    out.push(terminalRow(view.rows[i] ?? [], cols, cursorCol));
  }
  if (footer !== undefined) out.push([seg(fit(footer, cols), styleFor('dim'))]);
  return out;
}
