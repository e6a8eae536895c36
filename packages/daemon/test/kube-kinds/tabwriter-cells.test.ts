import { describe, expect, it } from 'vitest';
import { stringWidth } from '@kubetile/rpc-schema';
import { alignRows } from '../../src/kube/render/tabwriter.js';

describe('describe columns in terminal cells', () => {
  it('aligns a column after CJK and emoji values as the terminal draws them (runes put it 2 cells off per wide character)', () => {
    const lines = alignRows([
      { cells: [{ text: 'Name:' }, { text: 'web' }] },
      { cells: [{ text: '説明:' }, { text: 'x' }] },
      { cells: [{ text: '🚀:' }, { text: 'y' }] },
    ]);
    const valueAt = (i: number): number => {
      const text = lines[i]!.text;
      const last = text.trimEnd().split(/ +/).pop()!;
      return stringWidth(text.slice(0, text.lastIndexOf(last)));
    };
    expect(valueAt(1)).toBe(valueAt(0));
    expect(valueAt(2)).toBe(valueAt(0));
  });
});
