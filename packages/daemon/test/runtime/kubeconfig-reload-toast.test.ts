import { describe, expect, it } from 'vitest';
import { describeReload } from '../../src/runtime/kubeconfig-reload.js';

describe('the toast of a kubeconfig reload', () => {
  it('names the contexts added, changed and removed', () => {
    expect(describeReload({ ok: true, added: ['two'], changed: ['one'], removed: ['old'], wasUnavailable: false }, true)?.text).toBe('kubeconfig reloaded: contexts added two; changed one; removed old');
  });

  it('a reload of thousands of contexts counts them past the first few (the toast listed all 30,000 names)', () => {
    const added = Array.from({ length: 30_000 }, (_, i) => `ctx-${i}`);
    const text = describeReload({ ok: true, added, changed: [], removed: ['x'.repeat(500)], wasUnavailable: false }, true)!.text;
    expect(text).toBe(`kubeconfig reloaded: contexts added ctx-0, ctx-1, ctx-2, ctx-3, ctx-4 and 29995 more; removed ${'x'.repeat(80)}…`);
  });

  it('a kubeconfig that cannot be used says why in a line, keeping the one before', () => {
    const t = describeReload({ ok: false, problem: 'y'.repeat(10_000) }, true)!;
    expect(t.level).toBe('warn');
    expect(t.text.length).toBeLessThan(400);
    expect(describeReload({ ok: false, problem: 'bad' }, false)).toBeNull();
  });
});
