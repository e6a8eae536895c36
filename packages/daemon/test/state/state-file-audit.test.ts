import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStateFile, removeStaleTemps, writeStateFile } from '../../src/state/state-file.js';
import { salvageState } from '../../src/state/salvage.js';
import type { SavedState } from '../../src/state/saved-state.js';

/**
 * A state file as an editor, a disk or a user's dotfiles leave it: a byte-order mark, bytes that are
 * not UTF-8, a symlink to where the user keeps it, the temporary file of a save cut short, and a pane
 * id given twice. Each comes back as close as can be, and what was changed is said with a copy kept.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kt-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const state = (filter: string): SavedState => ({
  version: 1,
  savedAt: '2026-12-06T00:00:00Z',
  sessions: [
    {
      name: 'work',
      tabs: [{ id: 1, context: null, namespace: 'default', tree: { type: 'leaf', paneId: 1 }, lastFocusedPaneId: 1 }],
      panes: [{ id: 1, view: { key: 'resource-list', args: { kind: 'pods', filter } } }],
      lastActiveTabId: 1,
    },
  ],
  features: {},
});
const copies = (): string[] => readdirSync(dir).filter((f) => f.startsWith('sessions.json.corrupt-'));

describe('reading a state file', () => {
  it('skips the byte-order mark an editor put before the JSON (it moved every session aside)', async () => {
    const file = join(dir, 'sessions.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(state('web')))]));
    const r = await readStateFile(file);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.state.sessions[0]!.panes[0]!.view.args).toEqual({ kind: 'pods', filter: 'web' });
    expect(r.dropped).toEqual([]);
    expect(r.damaged).toBeUndefined();
    expect(existsSync(file)).toBe(true);
  });

  it('says bytes that are not UTF-8 were read as U+FFFD and keeps the file as it was (the next save wrote over them unsaid)', async () => {
    const file = join(dir, 'sessions.json');
    // "café" written by an editor in Latin-1: é is one byte, 0xE9, not UTF-8.
    const bytes = Buffer.from(JSON.stringify(state('caf\u00e9')), 'latin1');
    writeFileSync(file, bytes);
    const r = await readStateFile(file);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.state.sessions[0]!.panes[0]!.view.args).toEqual({ kind: 'pods', filter: 'caf\ufffd' });
    expect(r.damaged).toBe('bytes that are not UTF-8 (read as U+FFFD)');
    expect(r.copiedTo).toBe(join(dir, copies()[0]!));
    expect(readFileSync(r.copiedTo!)).toEqual(bytes);
  });
});

describe('writing a state file', () => {
  it('through a symlink writes the file it names and keeps the link (the rename replaced the link, and the file it named stopped changing)', async () => {
    const kept = join(dir, 'dotfiles');
    mkdirSync(kept);
    const target = join(kept, 'kubetile-sessions.json');
    writeFileSync(target, JSON.stringify(state('old')));
    const link = join(dir, 'sessions.json');
    symlinkSync(target, link);
    await writeStateFile(link, state('new'));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8')).sessions[0].panes[0].view.args.filter).toBe('new');
    expect(readdirSync(kept)).toEqual(['kubetile-sessions.json']);
  });

  it('what a save cut short left (sessions.json.tmp-PID of a daemon killed with -9) is removed, nothing else', async () => {
    const file = join(dir, 'sessions.json');
    writeFileSync(file, JSON.stringify(state('web')));
    writeFileSync(join(dir, 'sessions.json.tmp-99999999'), '{"version":1,"sess');
    writeFileSync(join(dir, 'sessions.json.corrupt-2026'), 'kept');
    writeFileSync(join(dir, 'daemon.lock'), '{}');
    expect(await removeStaleTemps(file)).toEqual([join(dir, 'sessions.json.tmp-99999999')]);
    expect(readdirSync(dir).sort()).toEqual(['daemon.lock', 'sessions.json', 'sessions.json.corrupt-2026']);
  });
});

describe('salvaging a state file', () => {
  it('names a second pane of one id and keeps the first (the restore took the last one, unsaid)', () => {
    const s = state('web');
    s.sessions[0]!.panes.push({ id: 1, view: { key: 'help' } });
    const r = salvageState(s);
    if ('error' in r) throw new Error(r.error);
    expect(r.state.sessions[0]!.panes).toEqual([{ id: 1, view: { key: 'resource-list', args: { kind: 'pods', filter: 'web' } } }]);
    expect(r.dropped).toEqual(["pane 1 #2 of session 'work' (a second pane of that id: the first is kept)"]);
  });
});
