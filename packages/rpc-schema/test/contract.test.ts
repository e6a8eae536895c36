import { describe, expect, it } from 'vitest';
import {
  ALL_NOTIFICATIONS, ALL_REQUESTS, describeApi, PANE_COMMAND_TYPES, PaneCommandSchema, PaneViewSchema, Requests, validate,
} from '../src/index.js';

describe('the API level 1 contract', () => {
  it('declares every method and notification of DESIGN.md once', () => {
    const names = [...ALL_REQUESTS, ...ALL_NOTIFICATIONS].map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of [
      'daemon/hello', 'daemon/status', 'daemon/shutdown', 'rpc/discover', 'session/list', 'session/attach', 'session/detach',
      'tab/new', 'tab/close', 'tab/select', 'pane/open', 'pane/close', 'pane/focus', 'pane/list', 'pane/command',
      'pane/snapshot', 'client/key', 'client/resize', 'kube/contexts', 'kube/namespaces', 'kube/use', 'resource/action',
      'portForward/list', 'portForward/start', 'portForward/stop', 'plugin/list', 'plugin/reload', 'config/reload',
      'session/layout', 'pane/view', 'toast', 'plugin/status', 'clipboard/write', 'daemon/exit',
    ]) expect(names).toContain(n);
  });
  it('rpc/discover lists them with JSON schemas and since-levels', () => {
    const api = describeApi();
    expect(api.apiLevel).toBe(1);
    const attach = api.methods.find((m) => m.name === 'session/attach')!;
    expect(attach.since).toBe(1);
    expect(JSON.stringify(attach.params)).toContain('"cols"');
    expect(api.methods.length).toBe(ALL_REQUESTS.length + ALL_NOTIFICATIONS.length);
  });
  it('invalid params name the field', () => {
    const r = validate(Requests.attach.params, { size: { cols: 'wide', rows: 24 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/^size\.cols: /);
    const s = validate(Requests.paneOpen.params, { view: { key: 'help' }, split: { paneId: 1, direction: 'diagonal' } });
    expect(!s.ok && s.message).toMatch(/split\.direction/);
  });
  it('a field a method does not take is named, with the one meant when it is a typo away', () => {
    const msg = (r: { ok: boolean; message?: string }): string | undefined => r.message;
    expect(msg(validate(Requests.paneList.params, { sesion: 'main' }))).toBe('sesion: unknown field (did you mean session?)');
    expect(msg(validate(Requests.paneOpen.params, { view: { key: 'help', arg: {} } }))).toBe('view.arg: unknown field (did you mean args?)');
    expect(msg(validate(Requests.paneOpen.params, { view: { key: 'help' }, split: { paneId: 1, direction: 'vertical', ration: 0.5 } }))).toBe(
      'split.ration: unknown field (did you mean ratio?)',
    );
    expect(msg(validate(Requests.resourceAction.params, { paneId: 1, action: 'delete', target: { name: 'x', UID: 'u' } }))).toBe(
      'target.UID: unknown field (did you mean uid?)',
    );
    // Among several fields (a farther one seen after the closest hid the guess: it counted as a tie).
    expect(msg(validate(Requests.tabNew.params, { sesion: 'main' }))).toBe('sesion: unknown field (did you mean session?)');
    // Nothing close: no guess.
    expect(msg(validate(Requests.tabNew.params, { context: 'nope' }))).toBe('context: unknown field');
    expect(msg(validate(Requests.resourceAction.params, { paneId: 1, action: 'delete', dryRun: true }))).toBe('dryRun: unknown field');
  });
});

describe('PaneCommand', () => {
  it('has the 22 KubeTile variants and the two for marks as tagged JSON', () => {
    expect(PANE_COMMAND_TYPES).toHaveLength(24);
    expect(PaneCommandSchema.parse({ type: 'toggle_mark' })).toEqual({ type: 'toggle_mark' });
    expect(PaneCommandSchema.parse({ type: 'filter', query: 'web' })).toEqual({ type: 'filter', query: 'web' });
    expect(PaneCommandSchema.parse({ type: 'sort_by_column', column: 2 })).toEqual({ type: 'sort_by_column', column: 2 });
    expect(PaneCommandSchema.safeParse({ type: 'filter' }).success).toBe(false);
    expect(PaneCommandSchema.safeParse({ type: 'explode' }).success).toBe(false);
  });
});

describe('PaneView', () => {
  it('accepts table, lines and message views', () => {
    expect(PaneViewSchema.safeParse({ type: 'message', title: 'x', level: 'error', text: "no pane type 'x'" }).success).toBe(true);
    expect(PaneViewSchema.safeParse({ type: 'lines', title: 'Logs', lines: [{ text: 'a' }], offset: 0, total: 1 }).success).toBe(true);
    expect(
      PaneViewSchema.safeParse({
        type: 'table', title: 'Pods', columns: [{ id: 'name', title: 'NAME' }], rows: [{ id: 'u1', cells: { name: 'web' } }],
        offset: 0, total: 1, unfiltered: 1, selected: 0,
      }).success,
    ).toBe(true);
  });
});
