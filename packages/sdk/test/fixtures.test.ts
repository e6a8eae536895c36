// The hostile WAT fixtures in test/fixtures/plugins do what their README says.
// (These tests prove the fixtures; the daemon's own tests use them against its host.)

import { afterEach, describe, expect, it } from 'vitest';
import { inspectModule, validatePluginModule } from '../abi.mjs';
import { fixtureWasm } from './helpers/paths.js';
import { PluginLoadError, TestHost, type TestHostOptions } from './helpers/test-host.js';

const hosts: TestHost[] = [];

async function load(name: string, opts: Partial<TestHostOptions> = {}): Promise<TestHost> {
  const host = await TestHost.load({ wasm: await fixtureWasm(name), ...opts });
  hosts.push(host);
  return host;
}

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

describe('echo', () => {
  it('echoes the command type back as a line', async () => {
    const host = await load('echo');
    await host.init({ anything: true });
    expect(await host.open()).toEqual(['open']);
    expect(await host.command({ type: 'filter', query: 'web' })).toEqual(['filter']);
    expect(await host.command({ type: 'select_next' })).toEqual(['select_next']);
    expect(await host.command({ type: 'héllo_✓' })).toEqual(['héllo_✓']);
    await host.closePane();
  });

  it('reports a missing type with error_set', async () => {
    const host = await load('echo');
    await expect(host.call('plugin_on_command', '{"pane_id":1}')).rejects.toThrow('Plugin-originated error: echo: no type in command');
    expect(await host.command({ type: 'back' })).toEqual(['back']);
  });
});

describe('spin', () => {
  it('never returns from plugin_on_command: the call times out, the host carries on', async () => {
    const host = await load('spin', { timeoutMs: 3000 });
    await host.init();
    await expect(host.command({ type: 'select' })).rejects.toThrow(/timeout/);
    // Extism replaced the worker: the instance answers again (its state is gone).
    await host.init();
    await expect(host.command({ type: 'select' })).rejects.toThrow(/timeout/);
  });

  it('has no memory at all (allowed)', async () => {
    expect(inspectModule(await fixtureWasm('spin')).memories).toEqual([]);
    expect(validatePluginModule(await fixtureWasm('spin'))).toEqual([]);
  });
});

describe('trap', () => {
  it('traps in plugin_on_command (unreachable) and plugin_on_tick (out of bounds); init/open work', async () => {
    const host = await load('trap');
    await host.init();
    expect(await host.open()).toBeNull();
    await expect(host.command({ type: 'select' })).rejects.toThrow(/unreachable/);
    await expect(host.tick()).rejects.toThrow(/out of bounds/);
  });
});

describe('memory-bomb', () => {
  it('declares a maximum of 512 pages, so it passes the load check', async () => {
    const bytes = await fixtureWasm('memory-bomb');
    expect(inspectModule(bytes).memories).toEqual([{ imported: false, min: 1, max: 512, shared: false, memory64: false }]);
    expect(validatePluginModule(bytes)).toEqual([]);
  });

  it('grows to its 512-page maximum, then allocates Extism blocks until the host refuses', async () => {
    const host = await load('memory-bomb', { maxKernelPages: 64 }); // 4 MiB of Extism blocks
    await host.init();
    const err = await host.command({ type: 'select' }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/^Plugin-originated error: memory-bomb: guest memory 512 pages; alloc refused after [0-3] MiB\s*$/);
    expect(host.logs.some((l) => l.includes('memory limit exceeded'))).toBe(true);
  });

  it('the unbounded variant declares no maximum and is refused at load', async () => {
    const bytes = await fixtureWasm('memory-bomb-unbounded');
    expect(inspectModule(bytes).memories).toEqual([{ imported: false, min: 1, max: null, shared: false, memory64: false }]);
    expect(validatePluginModule(bytes).map((p) => p.code)).toEqual(['memory-unbounded']);
    await expect(load('memory-bomb-unbounded')).rejects.toThrow(PluginLoadError);
    await expect(load('memory-bomb-unbounded')).rejects.toThrow(/memory declares no maximum/);
  });
});

describe('render-flood', () => {
  it('returns a render of about 4 MiB from plugin_on_command', async () => {
    const host = await load('render-flood');
    await host.init();
    const raw = await host.call('plugin_on_command', JSON.stringify({ type: 'select', pane_id: 1 }));
    expect(Buffer.byteLength(raw)).toBe(4_194_321);
    const lines = JSON.parse(raw).lines as string[];
    expect(lines).toHaveLength(65_537);
    expect(lines[0]).toHaveLength(61);
    expect(lines.at(-1)).toBe('end');
  });

  it('pushes about 4 MiB through host_send_render on tick', async () => {
    const host = await load('render-flood');
    await host.init();
    expect(await host.tick()).toBeNull();
    expect(host.pushedBytes).toEqual([4_194_321]);
    expect(host.pushed[0]).toHaveLength(65_537);
  });
});

describe('ungranted-import', () => {
  it('imports kubetile::get_secret and is refused without k8s:get:secrets', async () => {
    const bytes = await fixtureWasm('ungranted-import');
    const problems = validatePluginModule(bytes, { permissions: ['k8s:list:pods'] });
    expect(problems).toEqual([
      expect.objectContaining({ code: 'import-not-granted', import: 'get_secret', permission: 'k8s:get:secrets' }),
    ]);
    await expect(load('ungranted-import')).rejects.toThrow(/kubetile::get_secret.*"k8s:get:secrets"/);
  });

  it('works when the permission is granted', async () => {
    const host = await load('ungranted-import', { permissions: ['k8s:get:secrets'] });
    await host.init();
    expect(await host.command({ type: 'select' })).toEqual(['called get_secret']);
    expect(host.calls).toEqual([{ fn: 'get_secret', request: { name: 'db' } }]);
  });
});

describe('missing-export', () => {
  it('has no plugin_on_command and is refused at load', async () => {
    const bytes = await fixtureWasm('missing-export');
    expect(validatePluginModule(bytes)).toEqual([
      { code: 'missing-export', message: 'missing required export plugin_on_command' },
    ]);
    await expect(load('missing-export')).rejects.toThrow(/missing required export plugin_on_command/);
  });

  it('an unchecked host would only find out at the first command', async () => {
    const host = await load('missing-export', { skipValidation: true });
    await host.init();
    expect(await host.functionExists('plugin_on_command')).toBe(false);
    await expect(host.command({ type: 'select' })).rejects.toThrow(/plugin_on_command" does not exist/);
  });
});
