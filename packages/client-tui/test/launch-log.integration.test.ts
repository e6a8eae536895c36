import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT, kubetile, makeHome, stopDaemon, type Home } from './harness.js';

describe.skipIf(!BUILT)('the daemon launch log', () => {
  let home: Home;
  beforeEach(() => {
    home = makeHome();
  });
  afterEach(async () => {
    await stopDaemon(home);
    home.cleanup();
  });

  it('is moved aside to daemon-launch.log.1 once it passes 1 MiB, so it never grows without end', async () => {
    const dir = join(home.dir, 'state', 'kubetile');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const log = join(dir, 'daemon-launch.log');
    writeFileSync(log, 'old launch output\n'.repeat(80_000)); // ~1.4 MiB
    const start = await kubetile(['daemon', 'start'], home.env);
    expect(start.code).toBe(0);
    expect(statSync(log).size).toBeLessThan(64 * 1024);
    expect(statSync(`${log}.1`).size).toBe('old launch output\n'.length * 80_000);
    // A small log is simply appended to.
    expect((await kubetile(['kill-server'], home.env)).code).toBe(0);
    const before = statSync(log).size;
    expect((await kubetile(['daemon', 'start'], home.env)).code).toBe(0);
    expect(statSync(log).size).toBeGreaterThan(before);
    expect(existsSync(`${log}.2`)).toBe(false);
  });
});
