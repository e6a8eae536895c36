import { describe, expect, it } from 'vitest';
import { fitState } from '../../src/state/fit-state.js';
import { SavedStateSchema, type SavedSession, type SavedState } from '../../src/state/saved-state.js';

/** A session whose tabs hold one list pane each, with `pad` characters of args per tab. */
function session(name: string, firstId: number, pads: number[]): SavedSession {
  return {
    name,
    tabs: pads.map((_, i) => ({ id: firstId + i, context: null, namespace: 'default', tree: { type: 'leaf', paneId: firstId + i }, lastFocusedPaneId: firstId + i })),
    panes: pads.map((pad, i) => ({ id: firstId + i, view: { key: 'resource-list', args: { kind: 'pods', note: 'x'.repeat(pad) } } })),
    lastActiveTabId: firstId + pads.length - 1,
  };
}
const state = (...sessions: SavedSession[]): SavedState => ({ version: 1, savedAt: '2026-12-05T00:00:00Z', sessions, features: {} });
const size = (s: SavedState): number => Buffer.byteLength(JSON.stringify(s));

describe('a state too big for the file', () => {
  it('is written whole when it fits', () => {
    const s = state(session('main', 1, [10, 10]));
    expect(fitState(s, 1_000_000)).toEqual({ state: s, left: [] });
  });

  it('leaves out the biggest tabs until it fits, keeping every session and each session valid', () => {
    const s = state(session('precious', 1, [100, 100]), session('scratch', 10, [50_000, 60_000, 200]));
    const f = fitState(s, 40_000);
    expect(size(f.state)).toBeLessThanOrEqual(40_000);
    expect(f.left).toEqual([expect.stringMatching(/^tab 11 of session scratch \(1 pane, 0\.1 MiB\)$/), expect.stringMatching(/^tab 10 of session scratch/)]);
    const scratch = f.state.sessions.find((x) => x.name === 'scratch')!;
    expect(scratch.tabs.map((t) => t.id)).toEqual([12]);
    expect(scratch.panes.map((p) => p.id)).toEqual([12]);
    expect(scratch.lastActiveTabId).toBe(12);
    expect(f.state.sessions.find((x) => x.name === 'precious')).toEqual(s.sessions[0]);
    expect(SavedStateSchema.safeParse(f.state).success).toBe(true);
    // The state it was given is not changed.
    expect(s.sessions[1]!.tabs).toHaveLength(3);
  });

  it('leaves out a session whose one tab is too big, and only it', () => {
    const s = state(session('main', 1, [100]), session('huge', 5, [90_000]));
    const f = fitState(s, 20_000);
    expect(f.state.sessions.map((x) => x.name)).toEqual(['main']);
    expect(f.left).toEqual([expect.stringMatching(/^session huge \(0\.1 MiB\)$/)]);
  });

  it('fits a workspace of thousands of panes by whole tabs', () => {
    const s = state(...Array.from({ length: 20 }, (_, k) => session(`s${k}`, 1 + k * 1000, Array.from({ length: 200 }, () => 40))));
    const f = fitState(s, size(s) / 2);
    expect(size(f.state)).toBeLessThanOrEqual(size(s) / 2);
    expect(f.state.sessions).toHaveLength(20);
    expect(SavedStateSchema.safeParse(f.state).success).toBe(true);
  });
});
