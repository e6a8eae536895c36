import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_FILE, AUDIT_ROTATE_BYTES, AuditLog } from '../../src/plugins/audit-log.js';
import { silent } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kt-audit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (name: string, plugin = 'p') => ({
  plugin, sha256: null, client: 'c1', verb: 'delete', kind: 'pods', namespace: 'dev', name, uid: 'u', change: null, result: 'applied' as const, error: null,
});

describe('AuditLog', () => {
  it('appends JSON lines (0600) and lists the newest first, by plugin and limit', async () => {
    const log = new AuditLog(dir, silent);
    await log.append(entry('a'));
    await log.append(entry('b', 'q'));
    await log.append(entry('c'));
    expect(statSync(join(dir, AUDIT_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, AUDIT_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l).name)).toEqual(['a', 'b', 'c']);
    expect((await log.list(10)).map((e) => e.name)).toEqual(['c', 'b', 'a']);
    expect((await log.list(10, 'p')).map((e) => e.name)).toEqual(['c', 'a']);
    expect((await log.list(1)).map((e) => e.name)).toEqual(['c']);
  });

  it('is bounded: rotates past 1 MiB keeping one older file, and skips lines that do not parse', async () => {
    const log = new AuditLog(dir, silent);
    const big = { ...entry('x'), change: 'z'.repeat(1900) };
    const n = Math.ceil((3 * AUDIT_ROTATE_BYTES) / 2000);
    for (let i = 0; i < n; i++) await log.append({ ...big, name: `o-${i}` });
    expect(statSync(join(dir, AUDIT_FILE)).size).toBeLessThanOrEqual(AUDIT_ROTATE_BYTES);
    expect(statSync(join(dir, `${AUDIT_FILE}.1`)).size).toBeLessThanOrEqual(AUDIT_ROTATE_BYTES);
    appendFileSync(join(dir, AUDIT_FILE), '{broken\n');
    const all = await log.list(100_000);
    expect(all[0]!.name).toBe(`o-${n - 1}`);
    expect(all.length).toBeLessThan(n);
    expect(all.length).toBeGreaterThan(AUDIT_ROTATE_BYTES / 2100);
    // The current file emptied: the rotated one still answers, newest first.
    writeFileSync(join(dir, AUDIT_FILE), '');
    const older = await new AuditLog(dir, silent).list(5);
    expect(older).toHaveLength(5);
    const names = all.map((e) => e.name);
    expect(older.every((e) => names.includes(e.name))).toBe(true);
    expect(Number(older[0]!.name.slice(2))).toBeGreaterThan(Number(older[4]!.name.slice(2)));
  });
});
