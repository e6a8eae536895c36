import { describe, expect, it, onTestFinished } from 'vitest';
import { fixture, loadDef, startSession, until } from './helpers.js';

describe('Extism variables (var_set)', () => {
  it('a plugin storing variables past the 1 MiB limit crashes with the limit named; the daemon carries on', async () => {
    const def = await loadDef(fixture('var-flood'), { key: 'var-flood', timeoutMs: 10_000 });
    const t = startSession(def);
    onTestFinished(() => t.session.close());
    await until('ready', () => t.sink.current?.kind === 'ready');
    t.session.command({ type: 'select' });
    const r = await until('restarting', () => (t.sink.current?.kind === 'restarting' ? t.sink.current : null));
    expect(r.reason).toMatch(/^plugin_on_command: Extism memory limit exceeded \(var memory limit exceeded: \d+ bytes requested, 1048576 allowed\)$/);
    expect(t.sink.renders.flat()).not.toContain('stored 40');
  });
});
