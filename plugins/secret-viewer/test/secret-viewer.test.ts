import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pluginWasm } from '../../../packages/sdk/test/helpers/paths.js';
import { PluginLoadError, TestHost, type CannedSecret } from '../../../packages/sdk/test/helpers/test-host.js';

const PERMS = ['k8s:get:secrets', 'clipboard:write'];
const SECRETS: CannedSecret[] = [
  { name: 'db-creds', namespace: 'default', type: 'Opaque', data: { username: 'admin', password: 's3cr3t-héllo ✓ 日本' } },
  { name: 'api-token', namespace: 'default', type: 'Opaque', data: { token: 'abc.def.ghi' } },
  { name: 'multi', namespace: 'default', type: 'Opaque', data: { 'config.yaml': 'a: 1\nb: 2\n' } },
  { name: 'tls', namespace: 'prod', type: 'kubernetes.io/tls', data: { 'tls.crt': 'CERT', 'tls.key': 'KEY' } },
];

let wasm: string;
const hosts: TestHost[] = [];

async function open(config: Record<string, string> = {}, secrets = SECRETS) {
  const host = await TestHost.load({ wasm, permissions: PERMS, secrets, namespace: 'default' });
  hosts.push(host);
  await host.init(config);
  await host.open();
  return host;
}

const cursorLine = (lines: string[]) => lines.find((l) => l.startsWith('>'));

beforeAll(() => {
  wasm = pluginWasm('secret-viewer');
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

describe('secret-viewer', () => {
  it('needs both k8s:get:secrets and clipboard:write', async () => {
    await expect(TestHost.load({ wasm, permissions: ['k8s:get:secrets'] })).rejects.toThrow(/clipboard_write.*clipboard:write/);
    await expect(TestHost.load({ wasm, permissions: ['clipboard:write'] })).rejects.toThrow(PluginLoadError);
  });

  it('lists the secrets of the pane namespace', async () => {
    const host = await open();
    expect(host.calls[0]).toEqual({ fn: 'get_secret', request: {} });
    const lines = host.lines;
    expect(lines[0]).toBe('Secrets in this namespace: 3');
    expect(lines[1]).toMatch(/^\s+NAME\s+TYPE\s+KEYS$/);
    expect(lines[2]).toMatch(/^> db-creds\s+Opaque\s+2$/);
    expect(lines[3]).toMatch(/^ {2}api-token\s+Opaque\s+1$/);
    expect(lines.at(-1)).toBe('select: show keys · filter: narrow the list');
  });

  it('select shows the decoded keys, values masked by default', async () => {
    const host = await open();
    const lines = (await host.command({ type: 'select' }))!;
    expect(host.calls.at(-1)).toEqual({ fn: 'get_secret', request: { name: 'db-creds' } });
    expect(lines[0]).toBe('Secret db-creds (Opaque) in default: 2 keys');
    expect(lines[1]).toBe('values hidden · toggle_wrap: reveal · select: copy · back: list');
    expect(lines[2]).toMatch(/^> username\s+•••••••• \(5 bytes\)$/);
    expect(lines[3]).toMatch(new RegExp(`^ {2}password\\s+•••••••• \\(${Buffer.byteLength('s3cr3t-héllo ✓ 日本')} bytes\\)$`));
    expect(lines.join('\n')).not.toContain('admin');
    expect(lines.join('\n')).not.toContain('s3cr3t');
  });

  it('toggle_wrap reveals and hides the values', async () => {
    const host = await open();
    await host.command({ type: 'select' });
    const shown = (await host.command({ type: 'toggle_wrap' }))!;
    expect(shown[1]).toMatch(/^values shown · toggle_wrap: hide/);
    expect(shown[2]).toMatch(/^> username\s+admin$/);
    expect(shown[3]).toMatch(/^ {2}password\s+s3cr3t-héllo ✓ 日本$/);
    const hidden = (await host.command({ type: 'toggle_wrap' }))!;
    expect(hidden.join('\n')).not.toContain('admin');
  });

  it('select on a key copies its value through clipboard_write and shows "copied KEY"', async () => {
    const host = await open();
    await host.command({ type: 'select' });
    await host.command({ type: 'select_next' });
    const lines = (await host.command({ type: 'select' }))!;
    expect(host.clipboard).toEqual(['s3cr3t-héllo ✓ 日本']);
    expect(host.calls.at(-1)).toEqual({ fn: 'clipboard_write', request: { text: 's3cr3t-héllo ✓ 日本' } });
    expect(lines.at(-1)).toBe('copied password');
    // the value stayed masked on screen
    expect(lines.join('\n')).not.toContain('s3cr3t');
  });

  it('shows a clipboard error instead of "copied"', async () => {
    const host = await open();
    host.hostErrors = { clipboard_write: 'no client attached' };
    await host.command({ type: 'select' });
    const lines = (await host.command({ type: 'select' }))!;
    expect(lines.at(-1)).toBe('copy failed: no client attached');
  });

  it('back returns to the list (and masks again on the next open)', async () => {
    const host = await open();
    await host.command({ type: 'select_next' });
    await host.command({ type: 'select' });
    await host.command({ type: 'toggle_wrap' });
    const list = (await host.command({ type: 'back' }))!;
    expect(list[0]).toBe('Secrets in this namespace: 3');
    expect(cursorLine(list)).toMatch(/^> api-token/);
    expect(await host.command({ type: 'back' })).toBeNull();
    const keys = (await host.command({ type: 'select' }))!;
    expect(keys[0]).toBe('Secret api-token (Opaque) in default: 1 key');
    expect(keys[2]).toMatch(/^> token\s+••••••••/);
  });

  it('shows multi-line values on one line with escapes when revealed, copies them verbatim', async () => {
    const host = await open();
    await host.command({ type: 'filter', query: 'MUL' });
    await host.command({ type: 'select' });
    const lines = (await host.command({ type: 'toggle_wrap' }))!;
    expect(lines[2]).toMatch(/^> config\.yaml\s+a: 1\\nb: 2\\n$/);
    await host.command({ type: 'select' });
    expect(host.clipboard).toEqual(['a: 1\nb: 2\n']);
  });

  it('filters the list by name and clear_filter restores it', async () => {
    const host = await open();
    const f = (await host.command({ type: 'filter', query: 'token' }))!;
    expect(f[0]).toBe('Secrets in this namespace: 3 · filter "token": 1 shown');
    expect(cursorLine(f)).toMatch(/^> api-token/);
    const none = (await host.command({ type: 'filter', query: 'zzz' }))!;
    expect(none.at(-1)).toBe('(no secrets match "zzz")');
    const all = (await host.command({ type: 'clear_filter' }))!;
    expect(all[0]).toBe('Secrets in this namespace: 3');
  });

  it('uses the namespace from its config', async () => {
    const host = await open({ namespace: 'prod' });
    expect(host.calls[0]).toEqual({ fn: 'get_secret', request: { namespace: 'prod' } });
    expect(host.lines[0]).toBe('Secrets in prod: 1');
    const keys = (await host.command({ type: 'select' }))!;
    expect(host.calls.at(-1)).toEqual({ fn: 'get_secret', request: { namespace: 'prod', name: 'tls' } });
    expect(keys[0]).toBe('Secret tls (kubernetes.io/tls) in prod: 2 keys');
  });

  it('shows host errors', async () => {
    const host = await TestHost.load({ wasm, permissions: PERMS, secrets: SECRETS, hostErrors: { get_secret: 'secrets is forbidden' } });
    hosts.push(host);
    await host.init({});
    const lines = (await host.open())!;
    expect(lines).toEqual(['Secrets in this namespace: 0', 'error: secrets is forbidden']);
  });

  it('keeps the open secret across a hot reload, masked again', async () => {
    const host = await open();
    await host.command({ type: 'select' });
    await host.command({ type: 'toggle_wrap' });
    await host.command({ type: 'select_next' });
    const state = await host.snapshot();
    expect(state).not.toContain('admin');
    const next = await TestHost.load({ wasm, permissions: PERMS, secrets: SECRETS });
    hosts.push(next);
    await next.init({});
    await next.restore(state);
    const lines = (await next.open())!;
    expect(lines[0]).toBe('Secret db-creds (Opaque) in default: 2 keys');
    expect(lines[1]).toMatch(/^values hidden/);
    expect(cursorLine(lines)).toMatch(/^> password/);
  });
});
