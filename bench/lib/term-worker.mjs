// Terminal emulators for the benchmark's ptys, off the main thread: the main thread stamps each
// frame's arrival and sends keys on time; this thread parses the bytes (@xterm/headless) and
// posts the screen after each frame. Messages in: {op:'open',id,cols,rows} | {op:'data',id,data,frame}
// (frame: this piece ends a frame) | {op:'close',id}. Out: {id, frame, lines, highlighted}.
import { parentPort } from 'node:worker_threads';
import xterm from '@xterm/headless';

const { Terminal } = xterm;
const terms = new Map();

function highlightedRows(term, rows, lines) {
  const b = term.buffer.active;
  const cell = b.getNullCell();
  const marked = (line, x) => {
    const c = line.getCell(x, cell);
    return !!c && (c.isInverse() !== 0 || !c.isBgDefault());
  };
  const out = [];
  for (let y = 1; y < rows - 1; y++) {
    const line = b.getLine(y);
    if (line && marked(line, 1) && marked(line, 2) && marked(line, 5)) out.push(lines[y]);
  }
  return out;
}

function snapshot(t) {
  const b = t.term.buffer.active;
  const lines = [];
  for (let y = 0; y < t.rows; y++) lines.push(b.getLine(y)?.translateToString(true) ?? '');
  return { lines, highlighted: highlightedRows(t.term, t.rows, lines) };
}

parentPort.on('message', (m) => {
  if (m.op === 'open') {
    terms.set(m.id, { term: new Terminal({ cols: m.cols, rows: m.rows, allowProposedApi: true, scrollback: 0 }), rows: m.rows, frames: 0 });
  } else if (m.op === 'data') {
    const t = terms.get(m.id);
    if (!t) return;
    if (!m.frame) t.term.write(m.data);
    else
      t.term.write(m.data, () => {
        t.frames++;
        parentPort.postMessage({ id: m.id, frame: t.frames, ...snapshot(t) });
      });
  } else if (m.op === 'close') {
    terms.get(m.id)?.term.dispose();
    terms.delete(m.id);
  }
});
