import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStart, RunRecord } from '../../src/commands/run-record.js';

/** What a daemon that starts does with the record of [[commands]] programs a killed one left: only those, never another process. */
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const alive = (pid: number): boolean => processStart(pid) !== null && !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
const group = (): ChildProcess => {
  const c = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  children.push(c);
  return c;
};
const recordFile = (content: string): { file: string; warnings: string[]; record: RunRecord } => {
  const dir = mkdtempSync(join(tmpdir(), 'kt-run-record-'));
  dirs.push(dir);
  const file = join(dir, 'commands-running.json');
  writeFileSync(file, content);
  const warnings: string[] = [];
  return { file, warnings, record: new RunRecord(file, (m) => warnings.push(m)) };
};
const until = async (what: string, ok: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
};

describe('the record of running [[commands]] programs', () => {
  it('stops a recorded program that is the same process, and empties the record', async () => {
    const c = group();
    const { file, record } = recordFile(JSON.stringify([{ pid: c.pid, start: processStart(c.pid!) }]));
    expect(record.sweep()).toBe(1);
    await until('the program stopped', () => c.signalCode !== null);
    expect(c.signalCode).toBe('SIGTERM');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('leaves alone a process that has the recorded pid but started at another time (the pid reused)', () => {
    const c = group();
    const { record } = recordFile(JSON.stringify([{ pid: c.pid, start: '1' }]));
    expect(record.sweep()).toBe(0);
    expect(alive(c.pid!)).toBe(true);
  });

  it('a record that is not ours to trust (not JSON, pids 0, 1 or negative, wrong types) signals nothing and says why', () => {
    const c = group();
    for (const bad of ['{not json', JSON.stringify([{ pid: 1, start: processStart(1) ?? '1' }, { pid: 0, start: '1' }, { pid: -1, start: '1' }, { pid: String(c.pid), start: processStart(c.pid!) }, null, 7])]) {
      const { warnings, record } = recordFile(bad);
      expect(record.sweep()).toBe(0);
      expect(alive(c.pid!)).toBe(true);
      if (bad.startsWith('{')) expect(warnings.join('\n')).toContain('is not JSON: no program left by a previous daemon can be stopped');
    }
  });

  it('add and delete keep the file to the programs running now', () => {
    const a = group();
    const b = group();
    const { file, record } = recordFile('[]');
    record.add(a.pid!);
    record.add(b.pid!);
    record.delete(a.pid!);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([{ pid: b.pid, start: processStart(b.pid!) }]);
  });
});
