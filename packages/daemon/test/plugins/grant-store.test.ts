import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GRANTS_FILE, GrantStore } from '../../src/plugins/grant-store.js';
import { silent } from './helpers.js';

const SHA = 'a'.repeat(64);
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kt-grants-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('GrantStore', () => {
  it('keeps grants across instances (a daemon restart), private to the user', async () => {
    const a = new GrantStore(dir, silent);
    await a.record('pods', SHA, ['k8s:list:pods'], 'dialog');
    await a.record('pods', 'b'.repeat(64), ['clipboard:write'], 'rpc');
    expect(statSync(join(dir, GRANTS_FILE)).mode & 0o777).toBe(0o600);
    const b = new GrantStore(dir, silent);
    expect([...b.granted('pods')].sort()).toEqual(['clipboard:write', 'k8s:list:pods']);
    expect(b.covers('pods', SHA, ['k8s:list:pods'])).toBe(true);
    expect(b.covers('pods', SHA, ['clipboard:write'])).toBe(false);
    expect(b.latest('pods')).toMatchObject({ sha256: 'b'.repeat(64), via: 'rpc' });
    expect(b.granted('other').size).toBe(0);
  });

  it('moves an unreadable or forged file aside instead of trusting it', () => {
    for (const body of ['{not json', JSON.stringify({ version: 1, plugins: { x: [{ sha256: SHA, permissions: ['k8s:destroy:all'], at: 'now', via: 'rpc' }] } })]) {
      writeFileSync(join(dir, GRANTS_FILE), body);
      const s = new GrantStore(dir, silent);
      expect(s.granted('x').size).toBe(0);
      expect(readdirSync(dir).some((f) => f.startsWith(`${GRANTS_FILE}.corrupt-`))).toBe(true);
      for (const f of readdirSync(dir)) rmSync(join(dir, f));
    }
  });
});
