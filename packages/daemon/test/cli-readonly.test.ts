import { describe, expect, it } from 'vitest';
import { parseDaemonArgs, USAGE } from '../src/cli/args.js';
import { ConfigSchema } from '../src/config/schema.js';

describe('read-only mode switches', () => {
  it('kubetiled run --readonly, off by default; the usage says so', () => {
    expect(parseDaemonArgs(['run', '--readonly']).readonly).toBe(true);
    expect(parseDaemonArgs(['run']).readonly).toBeUndefined();
    expect(USAGE).toContain('[--readonly]');
  });

  it('readonly = true at the top of the config; false by default; only a boolean', () => {
    expect(ConfigSchema.parse({}).readonly).toBe(false);
    expect(ConfigSchema.parse({ readonly: true }).readonly).toBe(true);
    expect(ConfigSchema.safeParse({ readonly: 'yes' }).success).toBe(false);
  });
});
