// Consent bound to content: a plugin runs only with permissions the user consented to — in a
// dialog on a client (only the new ones, with the manifest's reasons), in the config (`grant`),
// or over RPC (`plugin/grant`) — recorded against its build under $XDG_STATE_HOME/kubetile.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResponseError } from 'vscode-jsonrpc/node';
import type { PaneView, SessionLayout } from '@kubetile/rpc-schema';
import { makeTestEnv, REPO_ROOT, startDaemon, waitFor, type DaemonProcess, type TestEnv } from '../helpers/daemon-process.js';
import { RawClient } from '../helpers/rpc-client.js';

const ECHO = readFileSync(join(REPO_ROOT, 'test/fixtures/plugins/build/echo.wasm'));

interface PluginRow {
  key: string;
  sha256: string | null;
  status: string;
  error: string | null;
  requested: string[];
  granted: string[];
  pendingConsent: string[];
  consent: string;
}

let env: TestEnv;
let daemon: DaemonProcess | null = null;
const clients: RawClient[] = [];

const text = (v: PaneView | undefined): string => (v?.type === 'lines' ? v.lines.map((l) => l.text).join('\n') : v?.type === 'message' ? v.text : '');

/** A module with a `kubetile.manifest` custom section, written here from the ABI text (not with the daemon's code). */
function withManifest(bytes: Uint8Array, permissions: Record<string, string>): Buffer {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      out.push((n & 0x7f) | (n >>> 7 ? 0x80 : 0));
      n >>>= 7;
    } while (n);
    return out;
  };
  const name = Buffer.from('kubetile.manifest');
  const payload = Buffer.from(JSON.stringify({ permissions }));
  const body = [...uleb(name.length), ...name, ...payload];
  return Buffer.concat([bytes, Buffer.from([0, ...uleb(body.length), ...body])]);
}

/** What a build tool does: write beside, rename over. */
function install(file: string, bytes: Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${Date.now()}.partial`);
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

function writeConfig(body: string): void {
  mkdirSync(dirname(env.configFile), { recursive: true });
  const tmp = join(env.dir, `config.${Date.now()}.tmp`);
  writeFileSync(tmp, body);
  renameSync(tmp, env.configFile);
}

const pluginFile = (name: string): string => join(dirname(env.configFile), 'plugins', `${name}.wasm`);

async function connect(attach = true): Promise<RawClient> {
  const c = await RawClient.connect(env.socket);
  clients.push(c);
  if (attach) await c.attach({ cols: 160, rows: 50 });
  return c;
}

const rows = async (c: RawClient): Promise<Record<string, PluginRow>> =>
  Object.fromEntries((await c.request<{ plugins: PluginRow[] }>('plugin/list')).plugins.map((p) => [p.key, p]));

/** The echo plugin is running: it renders `open`, then the type of each command (focus, resize…). */
const runs = (v: PaneView): boolean => v.type === 'lines' && ['open', 'focus', 'resize'].includes(text(v));

const confirmText = (l: SessionLayout): string | null => (l.overlay?.type === 'confirm' ? l.overlay.text : null);

beforeEach(() => {
  env = makeTestEnv();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await daemon?.stop();
  daemon = null;
  env.cleanup();
});

describe('plugin consent', () => {
  it('a new plugin waits for the dialog; a rebuild asking one more permission asks only for that one; grants survive a restart', async () => {
    install(pluginFile('live'), withManifest(ECHO, { 'clipboard:write': 'copies the echoed line' }));
    writeConfig(`[[plugins]]\nkey = "live"\npath = "plugins/live.wasm"\ntimeout_ms = 20000\n`);
    daemon = await startDaemon(env);
    const c = await connect();
    await waitFor('loaded', async () => ((await rows(c)).live?.status !== 'loading' ? true : null));
    const before = (await rows(c)).live!;
    expect(before).toMatchObject({ status: 'consent', consent: 'pending', requested: ['clipboard:write'], granted: [], pendingConsent: ['clipboard:write'] });

    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'live' } });
    const first = await c.waitLayout('the consent dialog', (l) => confirmText(l) !== null);
    expect(confirmText(first)).toContain("Plugin 'live'");
    expect(confirmText(first)).toContain('clipboard:write: copies the echoed line');
    // Nothing of it runs meanwhile: the pane says what it waits for.
    await c.waitView('the pane says it waits', paneId, (v) => text(v).includes("waits for your consent to 'clipboard:write'"));
    await c.request('client/key', { key: 'y' });
    await c.waitView('the plugin runs', paneId, runs);
    const granted = (await rows(c)).live!;
    expect(granted).toMatchObject({ status: 'ready', consent: 'granted', granted: ['clipboard:write'], pendingConsent: [] });

    // A rebuild asking for one more permission: the dialog lists only that one.
    install(pluginFile('live'), withManifest(ECHO, { 'clipboard:write': 'copies the echoed line', 'k8s:list:pods': 'counts pods by phase' }));
    const second = await c.waitLayout('the second dialog', (l) => confirmText(l)?.includes('k8s:list:pods') ?? false);
    expect(confirmText(second)).toContain('k8s:list:pods: counts pods by phase');
    expect(confirmText(second)).toContain('a permission it was not granted before');
    expect(confirmText(second)).not.toContain('clipboard:write');
    // The consented build keeps running until then.
    const waiting = (await rows(c)).live!;
    expect(waiting).toMatchObject({ status: 'ready', consent: 'pending', sha256: granted.sha256, pendingConsent: ['k8s:list:pods'] });
    await c.request('pane/command', { paneId, command: { type: 'select' } });
    await c.waitView('the old build answers', paneId, (v) => text(v) === 'select');
    await c.request('client/key', { key: 'y' });
    const swapped = await waitFor('the new build runs', async () => {
      const r = (await rows(c)).live!;
      return r.sha256 !== granted.sha256 && r.consent === 'granted' ? r : null;
    });
    expect(swapped).toMatchObject({ status: 'ready', granted: ['clipboard:write', 'k8s:list:pods'] });
    await c.waitView('the new build rendered', paneId, runs);

    // The grants were recorded under XDG state and hold after a restart: no dialog.
    const state = JSON.parse(readFileSync(join(env.env.XDG_STATE_HOME!, 'kubetile', 'plugin-grants.json'), 'utf8')) as {
      plugins: Record<string, Array<{ sha256: string; permissions: string[]; via: string }>>;
    };
    expect(state.plugins.live).toContainEqual(expect.objectContaining({ sha256: swapped.sha256, permissions: ['clipboard:write', 'k8s:list:pods'], via: 'dialog' }));
    for (const x of clients.splice(0)) x.close();
    await daemon.stop();
    daemon = await startDaemon(env);
    const again = await connect();
    await waitFor('loaded again', async () => ((await rows(again)).live?.status !== 'loading' ? true : null));
    expect((await rows(again)).live).toMatchObject({ status: 'ready', consent: 'granted', sha256: swapped.sha256 });
    const reopened = await again.request<{ paneId: number }>('pane/open', { view: { key: 'live' } });
    await again.waitView('runs without asking', reopened.paneId, runs);
    expect(again.notifications.some((n) => n.method === 'session/layout' && (n.params as SessionLayout).overlay?.type === 'confirm')).toBe(false);
  }, 120_000);

  it('a dialog left unanswered by a client that detaches goes to the next client that attaches', async () => {
    install(pluginFile('pods'), withManifest(ECHO, { 'k8s:list:pods': 'lists pods' }));
    writeConfig(`[[plugins]]\nkey = "pods"\npath = "plugins/pods.wasm"\ntimeout_ms = 20000\n`);
    daemon = await startDaemon(env);
    const a = await connect();
    const { paneId } = await a.request<{ paneId: number }>('pane/open', { view: { key: 'pods' } });
    await a.waitLayout('the dialog on the first client', (l) => confirmText(l)?.includes('k8s:list:pods: lists pods') ?? false);
    a.close();
    // Detaching is no answer: the plugin still waits, not refused.
    await waitFor('a is gone', async () => {
      const s = await connect(false);
      const n = (await s.request<{ clients: number }>('daemon/status')).clients;
      s.close();
      return n === 0 ? true : null;
    });
    const script = await connect(false);
    expect((await rows(script)).pods).toMatchObject({ consent: 'pending', pendingConsent: ['k8s:list:pods'] });
    const b = await connect();
    await b.waitLayout('the dialog on the next client', (l) => confirmText(l)?.includes('k8s:list:pods: lists pods') ?? false);
    await b.request('client/key', { key: 'y' });
    await waitFor('granted', async () => ((await rows(script)).pods?.status === 'ready' ? true : null));
    expect((await rows(script)).pods).toMatchObject({ consent: 'granted', granted: ['k8s:list:pods'] });
    await waitFor('the pane runs the plugin', async () => runs((await script.request<{ view: PaneView }>('pane/snapshot', { paneId, cols: 80, rows: 10 })).view) || null);
  }, 60_000);

  it('a refused consent leaves the pane saying why', async () => {
    install(pluginFile('peek'), withManifest(ECHO, { 'k8s:get:secrets': 'shows one secret' }));
    writeConfig(`[[plugins]]\nkey = "peek"\npath = "plugins/peek.wasm"\ntimeout_ms = 20000\n`);
    daemon = await startDaemon(env);
    const c = await connect();
    const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'peek' } });
    const l = await c.waitLayout('the consent dialog', (x) => confirmText(x) !== null);
    expect(confirmText(l)).toContain('k8s:get:secrets: shows one secret');
    await c.request('client/key', { key: 'n' });
    const v = await c.waitView('the pane says why', paneId, (x) => text(x).includes('refused'));
    expect(text(v)).toContain("plugin 'peek' is not run: you refused it 'k8s:get:secrets'");
    expect((await rows(c)).peek).toMatchObject({ status: 'consent', consent: 'refused', pendingConsent: ['k8s:get:secrets'], granted: [] });
    // Not asked again on its own (a new build, plugin/grant or a config grant would).
    await c.request('client/key', { key: 'j' });
    await new Promise((r) => setTimeout(r, 1500)); // several ticks: a re-ask would show by now
    expect(confirmText(c.layout!)).toBeNull();
  }, 60_000);

  it('grant in the config and plugin/grant over RPC consent headlessly', async () => {
    install(pluginFile('pre'), withManifest(ECHO, { 'k8s:list:pods': 'lists pods' }));
    install(pluginFile('later'), withManifest(ECHO, { 'clipboard:write': 'copies' }));
    writeConfig(
      `[[plugins]]\nkey = "pre"\npath = "plugins/pre.wasm"\ngrant = ["k8s:list:pods"]\ntimeout_ms = 20000\n\n` +
        `[[plugins]]\nkey = "later"\npath = "plugins/later.wasm"\ntimeout_ms = 20000\n`,
    );
    daemon = await startDaemon(env);
    const script = await connect(false); // no client attached: nobody to ask
    await waitFor('both loaded', async () => {
      const r = await rows(script);
      return r.pre?.status !== 'loading' && r.later?.status !== 'loading' ? r : null;
    });
    const r1 = await rows(script);
    expect(r1.pre).toMatchObject({ status: 'ready', consent: 'granted', granted: ['k8s:list:pods'] });
    expect(r1.later).toMatchObject({ status: 'consent', consent: 'pending', pendingConsent: ['clipboard:write'] });
    expect(r1.later!.error).toContain('plugin/grant');

    const bad = await script.request('plugin/grant', { key: 'later', permissions: ['k8s:destroy:everything'] }).then(() => null, (e: ResponseError<unknown>) => e);
    expect(bad?.message).toContain("unknown permission 'k8s:destroy:everything'");
    const missing = await script.request('plugin/grant', { key: 'nope' }).then(() => null, (e: ResponseError<unknown>) => e);
    expect(missing?.message).toContain("no plugin 'nope'");

    const g = await script.request<{ granted: string[]; status: string }>('plugin/grant', { key: 'later' });
    expect(g).toMatchObject({ granted: ['clipboard:write'], status: 'ready' });
    expect((await rows(script)).later).toMatchObject({ status: 'ready', consent: 'granted', pendingConsent: [] });

    const c = await connect();
    for (const key of ['pre', 'later']) {
      const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key } });
      await c.waitView(`${key} runs`, paneId, runs);
    }
    expect(c.notifications.some((n) => n.method === 'session/layout' && (n.params as SessionLayout).overlay?.type === 'confirm')).toBe(false);
  }, 60_000);
});
