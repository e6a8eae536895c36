import { describe, expect, it } from 'vitest';
import { salvageState } from '../../src/state/salvage.js';

/**
 * A state file whose frame is not quite this kubetile's — more sessions or tabs than it keeps (a
 * newer kubetile that keeps more, a hand edit), features or a date not as it writes them — brings back
 * what it can and names the rest: the whole file was moved aside, every session with it.
 */

const leaf = (paneId: number) => ({ type: 'leaf', paneId });
const session = (name: string, tabIds: number[]) => ({
  name,
  tabs: tabIds.map((id) => ({ id, context: null, namespace: 'default', tree: leaf(id), lastFocusedPaneId: id })),
  panes: tabIds.map((id) => ({ id, view: { key: 'help' } })),
  lastActiveTabId: tabIds[0]!,
});
const file = (sessions: unknown[], more: Record<string, unknown> = {}) => ({ version: 1, savedAt: '2026-12-06T00:00:00Z', sessions, features: {}, ...more });
const ok = (raw: unknown) => {
  const r = salvageState(raw);
  if ('error' in r) throw new Error(`moved aside: ${r.error}`);
  return r;
};

describe('a state file past what this kubetile keeps', () => {
  it('70 sessions: the first 64 come back, the other 6 are named', () => {
    const r = ok(file(Array.from({ length: 70 }, (_, i) => session(`s${i}`, [i + 1]))));
    expect(r.state.sessions.map((s) => s.name)).toEqual(Array.from({ length: 64 }, (_, i) => `s${i}`));
    expect(r.dropped).toEqual(['6 sessions after the first 64 (the most kubetile keeps)']);
  });

  it('a session of 300 tabs: it comes back with its first 256, the other 44 named', () => {
    const r = ok(file([session('big', Array.from({ length: 300 }, (_, i) => i + 1)), session('small', [1000])]));
    expect(r.state.sessions.map((s) => [s.name, s.tabs.length])).toEqual([
      ['big', 256],
      ['small', 1],
    ]);
    expect(r.dropped).toEqual(["44 tabs of session 'big' after the first 256 (the most kubetile keeps)"]);
  });
});

describe('a state file whose features or date are not as this kubetile writes them', () => {
  it('features that are not an object: the sessions come back, the features are named', () => {
    const r = ok(file([session('work', [1])], { features: [{ forwards: [] }] }));
    expect(r.state.sessions.map((s) => s.name)).toEqual(['work']);
    expect(r.state.features).toEqual({});
    expect(r.dropped).toHaveLength(1);
    expect(r.dropped[0]).toMatch(/^the saved features, port-forwards among them \(itself: /);
  });

  it('a date that is not a string, or none: the sessions come back', () => {
    expect(ok(file([session('work', [1])], { savedAt: 1765000000 })).state.sessions).toHaveLength(1);
    const { savedAt: _, ...noDate } = file([session('work', [1])]);
    expect(ok(noDate).dropped).toEqual([]);
  });
});
