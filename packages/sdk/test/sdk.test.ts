// The AssemblyScript SDK end to end: a test plugin built with the SDK
// (test/fixtures/sdk-probe) runs in real Extism worker mode behind the test host.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginWasm } from './helpers/paths.js';
import { TestHost, type CannedPod, type CannedSecret } from './helpers/test-host.js';

const UTF8 = 'héllo ✓ 日本';
const ALL = ['k8s:list:pods', 'k8s:get:secrets', 'clipboard:write'];

const pods: CannedPod[] = [
  { name: 'web-1', namespace: 'default', phase: 'Running', status: 'Running', ready: '1/1', restarts: 0, node: 'n1', age_seconds: 3600 },
  { name: 'db-0', namespace: 'data', phase: 'Running', status: 'CrashLoopBackOff', ready: '0/1', restarts: 7, node: 'n2', age_seconds: 60 },
  { name: `ünï-${UTF8}`, namespace: 'default', phase: 'Pending', status: 'Pending', ready: '0/2', restarts: 0, node: '', age_seconds: 5 },
];
const secrets: CannedSecret[] = [
  { name: 'db', namespace: 'default', type: 'Opaque', data: { user: 'admin', password: `p"w\\d\n${UTF8}` } },
  { name: 'tls', namespace: 'other', type: 'kubernetes.io/tls', data: { 'tls.crt': 'CERT', 'tls.key': 'KEY' } },
];

let wasm: string;
let host: TestHost;

async function input(text: string) {
  return host.command({ type: 'send_input', text });
}

beforeAll(async () => {
  wasm = pluginWasm('sdk-probe');
  host = await TestHost.load({ wasm, permissions: ALL, paneId: 7, pods, secrets });
  await host.init({ greeting: UTF8, count: 42, ratio: 0.25, verbose: 'yes' });
  await host.open();
});

afterAll(async () => {
  await host?.close();
});

describe('lifecycle and config', () => {
  it('passes the pane id and the config (strings, numbers, booleans) to the plugin', () => {
    expect(host.renders[0]).toEqual([
      'open pane=7',
      `greeting=${UTF8}`,
      'count=42',
      'ratio=0.25',
      'verbose=yes',
      'keys=greeting,count,ratio,verbose',
    ]);
  });

  it('fails plugin_init with the plugin-provided message via fail()', async () => {
    const h = await TestHost.load({ wasm, permissions: ALL });
    try {
      await expect(h.init({ fail_init: true, reason: 'no cluster' })).rejects.toThrow(
        'Plugin-originated error: init refused: no cluster',
      );
    } finally {
      await h.close();
    }
  });

  it('ticks, and carries state across snapshot/restore into a fresh instance', async () => {
    expect(await host.tick()).toEqual(['tick 1']);
    expect(await host.tick()).toEqual(['tick 2']);
    await host.command({ type: 'go_to_top' });
    const state = await host.snapshot();
    expect(JSON.parse(state)).toEqual({ ticks: 2, last: 'go_to_top' });

    const fresh = await TestHost.load({ wasm, permissions: ALL });
    try {
      await fresh.init();
      await fresh.restore(state);
      expect(await fresh.tick()).toEqual(['tick 3']);
    } finally {
      await fresh.close();
    }
  });

  it('plugin_on_close runs and can log', async () => {
    const h = await TestHost.load({ wasm, permissions: ALL, paneId: 9 });
    try {
      await h.init();
      await h.open();
      await h.closePane();
      expect(h.logs.some((l) => l.includes('probe closing pane 9'))).toBe(true);
    } finally {
      await h.close();
    }
  });
});

describe('commands', () => {
  it('decodes every PluginCommand kind', async () => {
    const simple = [
      'scroll_up', 'scroll_down', 'select_next', 'select_prev', 'select', 'go_to_top', 'go_to_bottom',
      'page_up', 'page_down', 'toggle_follow', 'toggle_wrap', 'scroll_left', 'scroll_right', 'clear_filter',
    ];
    for (const type of simple) {
      expect(await host.command({ type })).toEqual([`${type} pane=7`]);
    }
    expect(await host.command({ type: 'filter', query: UTF8 })).toEqual([`filter:${UTF8}`]);
    expect(await input(`echo ${UTF8}`)).toEqual([`echo:${UTF8}`]);
    expect(await host.command({ type: 'focus', focused: true })).toEqual(['focus true']);
    expect(await host.command({ type: 'focus', focused: false })).toEqual(['focus false']);
    expect(await host.command({ type: 'resize', width: 120, height: 40 })).toEqual(['resize 120x40 plugin 120x40']);
    expect(await host.command({ type: 'something_new', extra: [1, { a: null }] })).toEqual(['unknown:something_new']);
  });

  it('a null return means no re-render (empty output)', async () => {
    expect(await host.command({ type: 'back' })).toBeNull();
    expect(await host.call('plugin_on_command', JSON.stringify({ type: 'back', pane_id: 7 }))).toBe('');
  });

  it('splits multi-line text into lines', async () => {
    expect(await input('multiline')).toEqual(['a', 'b', 'c']);
  });
});

describe('UTF-8 and JSON', () => {
  it('UTF-8 survives both directions, including escapes and astral characters', async () => {
    const tricky = `${UTF8} "q" \\ tab\t nl\n cr\r bell\u0007 😀 ∑`;
    const lines = await input(`echo ${tricky}`);
    // "\n" inside a line: Lines.add splits it
    expect(lines).toEqual([`echo:${tricky.split('\n')[0]}`, tricky.split('\n')[1]]);
  });

  it('quote() produces valid JSON for every control character', async () => {
    const all = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '"\\/é';
    const [line] = (await input(`quote ${all}`)) ?? [];
    expect(JSON.parse(line!)).toBe(all);
  });

  it('JsonWriter writes nested JSON', async () => {
    const [line] = (await input(`json ${UTF8}"\n`)) ?? [];
    expect(JSON.parse(line!)).toEqual({ s: `${UTF8}"\n`, n: -42, f: 1.5, b: true, z: null, a: [1, 'two', {}] });
  });

  it('parses JSON with unicode escapes', async () => {
    expect(await input('parse {"s":"\\u00e9\\u65e5 \\ud83d\\ude00","n":-17}')).toEqual(['s=é日 😀 n=-17']);
  });

  it('measures display width (wide CJK) and truncates', async () => {
    expect(await input('width 日本語abc')).toEqual(['9|日本…|日本… |x']);
    expect(await input('width ab')).toEqual(['2|ab|ab    |x']);
  });

  it('formats ages like kubectl', async () => {
    expect(await input('age 45')).toEqual(['45s']);
    expect(await input('age 600')).toEqual(['10m']);
    expect(await input('age 18000')).toEqual(['5h']);
    expect(await input('age 864000')).toEqual(['10d']);
  });

  it('returns renders larger than the worker ring buffer (64 KiB)', async () => {
    const lines = (await input('big 5000')) ?? [];
    expect(lines).toHaveLength(5000);
    expect(lines[4999]).toBe(`line 4999 ${UTF8}`);
  });
});

describe('host functions', () => {
  it('sendRender pushes a render through host_send_render', async () => {
    const pushedBefore = host.pushed.length;
    expect(await input(`push ${UTF8}`)).toEqual(['sent ok=true error=']);
    expect(host.pushed.length).toBe(pushedBefore + 1);
    expect(host.pushed.at(-1)).toEqual([`pushed:${UTF8}`]);
    expect(host.calls.at(-1)).toEqual({ fn: 'host_send_render', request: { lines: [`pushed:${UTF8}`] } });
  });

  it('listPods decodes pods and sends the namespace ("" omitted = pane namespace, "*" = all)', async () => {
    expect(await input('pods')).toEqual([
      'default/web-1 Running 1/1 0 n1 3600',
      `default/ünï-${UTF8} Pending 0/2 0  5`,
      'count=2',
    ]);
    expect(host.calls.at(-1)).toEqual({ fn: 'list_pods', request: {} });
    expect(await input('pods *')).toContain('data/db-0 CrashLoopBackOff 0/1 7 n2 60 crash');
    expect(host.calls.at(-1)).toEqual({ fn: 'list_pods', request: { namespace: '*' } });
    expect(await input('pods data')).toEqual(['data/db-0 CrashLoopBackOff 0/1 7 n2 60 crash', 'count=1']);
  });

  it('listPods tolerates odd pod shapes: missing status, numbers as strings or floats, extra fields', async () => {
    const saved = host.pods;
    host.pods = [
      { name: 'a', namespace: 'default', phase: 'Pending', ready: '0/1', restarts: '3', node: '', age_seconds: 12.9, extra: { deep: [1, { x: 'y' }] } },
      { name: 'b\u0000"q"', namespace: 'default', status: 'Error', phase: 'Failed', restarts: 1e2, labels: ['x'] },
    ] as unknown as CannedPod[];
    try {
      expect(await input('pods')).toEqual(['default/a Pending 0/1 3  12', 'default/b\u0000"q" Error  100  0', 'count=2']);
    } finally {
      host.pods = saved;
    }
  });

  it('getSecret decodes data with quotes, backslashes, newlines and UTF-8', async () => {
    const lines = await input('secret - db');
    expect(lines).toEqual(['secret default/db Opaque', 'user=admin', 'password=p"w\\d', UTF8]);
    expect(host.calls.at(-1)).toEqual({ fn: 'get_secret', request: { name: 'db' } });
    expect(await input('secret other tls')).toEqual(['secret other/tls kubernetes.io/tls', 'tls.crt=CERT', 'tls.key=KEY']);
    expect(host.calls.at(-1)).toEqual({ fn: 'get_secret', request: { namespace: 'other', name: 'tls' } });
  });

  it('listSecrets lists names, types and key counts', async () => {
    expect(await input('secrets -')).toEqual(['db Opaque 2', 'count=1']);
    expect(await input('secrets other')).toEqual(['tls kubernetes.io/tls 2', 'count=1']);
  });

  it('clipboardWrite sends UTF-8 text', async () => {
    expect(await input(`copy ${UTF8}`)).toEqual(['copied']);
    expect(host.clipboard.at(-1)).toBe(UTF8);
  });

  it('host errors come back as Result/Status errors, never traps', async () => {
    expect(await input('secret - nope')).toEqual(['error:secrets "nope" not found in namespace "default"']);
    host.hostErrors = { list_pods: 'forbidden: RBAC says no', clipboard_write: 'no clipboard', host_send_render: 'closed' };
    try {
      expect(await input('pods')).toEqual(['error:forbidden: RBAC says no']);
      expect(await input('copy x')).toEqual(['error:no clipboard']);
      expect(await input('push x')).toEqual(['sent ok=false error=closed']);
    } finally {
      host.hostErrors = {};
    }
    // the instance is fine afterwards
    expect(await input('echo still here')).toEqual(['echo:still here']);
  });
});

describe('errors', () => {
  it('fail() becomes error_set + non-zero: the call rejects with the message, output dropped', async () => {
    await expect(input(`fail bad thing ${UTF8}`)).rejects.toThrow(`Plugin-originated error: bad thing ${UTF8}`);
    expect(await input('echo after')).toEqual(['echo:after']);
  });

  it('an abort (assert) traps; its message reaches the plugin log', async () => {
    const h = await TestHost.load({ wasm, permissions: ALL });
    try {
      await h.init();
      await expect(h.command({ type: 'send_input', text: 'abort boom' })).rejects.toThrow(/unreachable/);
      expect(h.logs.some((l) => l.includes('abort: probe abort: boom'))).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('log() reaches the host logger', async () => {
    expect(await input(`log ${UTF8}`)).toEqual(['logged']);
    expect(host.logs).toContain(`info: ${UTF8}`);
  });
});

describe('instances', () => {
  it('each pane instance keeps its own state', async () => {
    const a = await TestHost.load({ wasm, permissions: ALL, paneId: 1 });
    const b = await TestHost.load({ wasm, permissions: ALL, paneId: 2 });
    try {
      await Promise.all([a.init(), b.init()]);
      await a.tick();
      await a.tick();
      expect(await b.tick()).toEqual(['tick 1']);
      expect(await a.tick()).toEqual(['tick 3']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('serialises concurrent calls to one instance', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => input(`echo ${i}`)));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => [`echo:${i}`]));
  });
});
