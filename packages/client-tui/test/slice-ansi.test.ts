import { describe, expect, it } from 'vitest';
import { sliceAnsi } from '../src/util/slice-ansi.js';

const RED = '\x1b[31m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';
const plain = (s: string): string => s.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '');

describe('sliceAnsi: cells of a line with escape codes', () => {
  it('cuts plain text by cells', () => {
    expect(sliceAnsi('hello world', 0, 5)).toBe('hello');
    expect(sliceAnsi('hello world', 6)).toBe('world');
    expect(sliceAnsi('hello', 2, 2)).toBe('');
    expect(sliceAnsi('abc', 1, 10)).toBe('bc');
  });

  it('opens the styles in effect at the start and closes them at the end', () => {
    const line = `ab${RED}cd${BOLD}ef${RESET}gh`;
    expect(sliceAnsi(line, 3, 5)).toBe(`${RED}d${BOLD}e${RESET}`);
    expect(plain(sliceAnsi(line, 3, 5))).toBe('de');
    // After a reset nothing is open: no reset appended.
    expect(sliceAnsi(line, 6, 8)).toBe('gh');
    expect(sliceAnsi(line, 0, 2)).toBe('ab');
  });

  it('keeps a style that starts inside the slice and closes it', () => {
    expect(sliceAnsi(`ab${RED}cd${RESET}`, 1, 3)).toBe(`b${RED}c${RESET}`);
  });

  it('a reset that also sets a style keeps only what it sets', () => {
    expect(sliceAnsi(`${RED}a\x1b[0;1mbc`, 1, 2)).toBe(`\x1b[0;1mb${RESET}`);
  });

  it('a wide character cut by an edge becomes spaces: the slice keeps its width', () => {
    const line = 'a日本b'; // a(1) 日(2) 本(2) b(1)
    expect(sliceAnsi(line, 0, 2)).toBe('a ');
    expect(sliceAnsi(line, 2, 6)).toBe(' 本b');
    expect(sliceAnsi(line, 1, 5)).toBe('日本');
  });

  it('escape codes before the start do not print characters', () => {
    expect(sliceAnsi(`${RED}${RESET}xyz`, 1)).toBe('yz');
  });
});
