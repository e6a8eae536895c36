import { afterEach, describe, expect, it } from 'vitest';
import type { PaneView } from '@kubetile/rpc-schema';
import { FrameCompositor } from '../src/tui/frame-compositor.js';
import { Store } from '../src/tui/store.js';
import { colorLevel, setColorLevel, type ColorLevel } from '../src/tui/theme.js';
import { sliceAnsi } from '../src/util/slice-ansi.js';
import { logsView, splitLayout } from './fixtures.js';

/**
 * Combining marks (a log line or an event message in "zalgo": a letter under dozens of them) go with
 * the character they are drawn on. A floating box (a toast, a dialog) is laid over the pane rows by
 * cutting each row at the box's edges: the marks of the character hidden under the box's last column
 * were kept at the start of the row's part right of the box, and the terminal stacked them on the
 * box's right border; the character just left of the box lost its own.
 */

const initial: ColorLevel = colorLevel;
const stores: Store[] = [];
afterEach(() => {
  setColorLevel(initial);
  for (const s of stores.splice(0)) s.dispose();
});

const MARKS = '\u0301'.repeat(30);
const ZALGO = `x${MARKS}`;

describe('sliceAnsi keeps a character and its marks together', () => {
  it('drops the marks of a character left of the slice, keeps those of its last character', () => {
    expect(sliceAnsi(`ab${MARKS}c`, 2)).toBe('c');
    expect(sliceAnsi(`ab${MARKS}c`, 0, 2)).toBe(`ab${MARKS}`);
    expect(sliceAnsi(`ab${MARKS}c`, 1, 2)).toBe(`b${MARKS}`);
    // A wide character cut by an edge becomes a space, without its marks.
    expect(sliceAnsi(`a日${MARKS}c`, 2)).toBe(' c');
    expect(sliceAnsi(`a日${MARKS}c`, 0, 2)).toBe('a ');
    // Styles still open and close as before.
    expect(sliceAnsi(`\x1b[31mab${MARKS}\x1b[0mc`, 2)).toBe('c');
    expect(sliceAnsi(`\x1b[31mab${MARKS}c\x1b[0m`, 1, 2)).toBe(`\x1b[31mb${MARKS}\x1b[0m`);
  });
});

describe('a dialog and a toast over rows of marked letters', () => {
  it("no mark of a hidden letter lands on a box's border; the letters beside the box keep theirs", () => {
    setColorLevel(3);
    const store = new Store({ cols: 100, rows: 40 });
    stores.push(store);
    const layout = splitLayout({ mode: 'confirm', overlay: { type: 'confirm', title: 'Delete', text: 'Delete Pod default/web-1?' } });
    // Two panes side by side, rows of marked letters in both.
    layout.tabs[0]!.tree = { type: 'split', direction: 'vertical', ratio: 0.5, first: { type: 'leaf', paneId: 1 }, second: { type: 'leaf', paneId: 2 } };
    store.setLayout(layout);
    const zalgo: PaneView = { ...logsView, lines: Array.from({ length: 60 }, () => ({ text: ZALGO.repeat(80) })), total: 60, footer: undefined } as PaneView;
    store.applyView(1, 1, zalgo);
    store.applyView(2, 1, zalgo);
    store.setConn({ state: 'connected' });
    store.pushToast('error', 'admission webhook denied the request');
    const rows = new FrameCompositor().compose(store.getState());
    const plain = rows.map((r) => r.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, ''));
    // The dialog's rows: marked letters on both sides of it.
    const dialog = plain.filter((r) => r.includes('Delete Pod'));
    expect(dialog).toHaveLength(1);
    expect(dialog[0]!.split('Delete Pod')[1]).toContain(ZALGO);
    for (const r of plain) {
      // Box-drawing characters (the panes' and the toast's borders) never carry a mark.
      expect(r).not.toMatch(/[│╮╯╭╰─┐┘┌└]\u0301/);
    }
    // Left of the dialog and of the toast, the row's last letter is drawn with its marks.
    for (const text of ['Delete Pod', 'admission']) {
      const row = plain.find((r) => r.includes(text))!;
      const left = row.slice(0, row.lastIndexOf('│', row.indexOf(text)));
      expect(left.endsWith(ZALGO)).toBe(true);
    }
  });
});
