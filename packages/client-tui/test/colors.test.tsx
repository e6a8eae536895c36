import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import type { PaneView } from '@kubetile/rpc-schema';
import { lineToAnsi, rgbTo256, sgr } from '../src/tui/ansi.js';
import { paneLines } from '../src/tui/pane-lines.js';
import { screenFrame } from './frame.js';
import { Store } from '../src/tui/store.js';
import { colorLevel, setColorLevel, type ColorLevel } from '../src/tui/theme.js';
import { errorView, podsTable, splitLayout } from './fixtures.js';

const initial: ColorLevel = colorLevel;
afterEach(() => {
  setColorLevel(initial);
  cleanup();
});

const ACCENT_FG = '\x1b[1;38;2;137;180;250m';

describe('colours on screen', () => {
  it('true colour: the focused border in the accent colour, others grey; the selected row on the selection background', () => {
    setColorLevel(3);
    const focused = paneLines({ x: 0, y: 1, width: 40, height: 8 }, 'Pods', podsTable, true).map((l) => lineToAnsi(l));
    expect(focused[0]!.startsWith(ACCENT_FG)).toBe(true);
    const other = paneLines({ x: 0, y: 1, width: 40, height: 8 }, 'Pods', podsTable, false).map((l) => lineToAnsi(l));
    expect(other[0]!.startsWith('\x1b[38;2;88;91;112m')).toBe(true);
    // row 2 (web-2, selected) carries the selection background; row 1 does not
    expect(focused[3]).toContain('48;2;69;71;90');
    expect(focused[2]).not.toContain('48;2;69;71;90');
    // status colours of the cells
    expect(focused[2]).toMatch(/38;2;166;227;161m[^\x1b]*Running/);
    expect(focused[4]).toMatch(/38;2;243;139;168m[^\x1b]*CrashLoopBackOff/);
  });

  it('error messages in red, through ink', () => {
    setColorLevel(3);
    const store = new Store({ cols: 80, rows: 12 });
    store.setLayout(splitLayout());
    store.applyView(3, 1, errorView as PaneView);
    store.setConn({ state: 'connected' });
    const frame = screenFrame(store.getState());
    expect(frame).toMatch(/243;139;168m[^\x1b]*Error: pods "db-0" is forbidden/);
  });

  it('16 colours: named colours only, no 256/true-colour codes', () => {
    setColorLevel(1);
    const lines = paneLines({ x: 0, y: 1, width: 40, height: 8 }, 'Pods', podsTable, true).map((l) => lineToAnsi(l)).join('\n');
    expect(lines).not.toMatch(/[34]8;[25];/);
    expect(lines).toContain('\x1b[1;94m'); // blueBright border
    expect(lines).toMatch(/\x1b\[32m[^\x1b]*Running/);
  });

  it('level 0 writes no escape codes', () => {
    setColorLevel(0);
    expect(paneLines({ x: 0, y: 1, width: 40, height: 8 }, 'Pods', podsTable, true).map((l) => lineToAnsi(l)).join('')).not.toContain('\x1b');
  });

  it('maps hex to the nearest xterm-256 colour, keeping near-black dark', () => {
    expect(rgbTo256([0x1e, 0x1e, 0x2e])).toBeGreaterThanOrEqual(232);
    expect(rgbTo256([0x1e, 0x1e, 0x2e])).toBeLessThanOrEqual(236);
    expect(rgbTo256([0x89, 0xb4, 0xfa])).toBe(111);
    expect(rgbTo256([255, 0, 0])).toBe(196);
    expect(sgr({ color: '#89b4fa', bold: true }, 2)).toBe('\x1b[1;38;5;111m');
    expect(sgr({ backgroundColor: 'blue' }, 1)).toBe('\x1b[44m');
    expect(sgr({}, 3)).toBe('');
  });
});
