import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { LinesView, PaneView } from '@kubetile/rpc-schema';
import { makeTestEnv, startDaemon } from '../helpers/daemon-process.js';
import { processAlive as alive } from '../helpers/process-alive.js';
import { RawClient } from '../helpers/rpc-client.js';
import { namespaceWith, pod, podsPane, startWorld, waitFor, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * Adversarial checks of `[[commands]]`: a program never runs where no pane shows it (the list closed
 * while its confirmation was open) nor after read-only was turned on during its dialog; closing a
 * pane or quitting the daemon leaves nothing a command started (background children, children that
 * ignore SIGTERM), and a child that left the group cannot keep a run alive for ever; `~/` commands
 * run, relative ones are config errors; a hostile cluster's names cannot become options or draw
 * lines of their own in a confirmation.
 */

let w: ExecWorld;
let marks: string;
const node = JSON.stringify(process.execPath);
const js = (code: string): string => JSON.stringify(code);
/** The pid a program wrote to `f`, once it has. */
const pidIn = (f: string): number | null => (existsSync(f) ? Number(readFileSync(f, 'utf8')) || null : null);
const toasts = (c: RawClient): string[] => c.notifications.filter((n) => n.method === 'toast').map((n) => JSON.stringify(n.params));

/** Writes its pid to argv[1] and runs until stopped. */
const LINGER = "require('fs').writeFileSync(process.argv[1], String(process.pid)); setInterval(() => {}, 1000)";
/**
 * Starts a child (same process group, no pipes) that ignores SIGTERM and writes its pid to argv[1];
 * the program itself dies of SIGTERM at once.
 */
const STUBBORN =
  "const { spawn } = require('child_process'); spawn(process.execPath, ['-e', \"process.on('SIGTERM', () => {}); require('fs').writeFileSync(process.argv[1], String(process.pid)); setInterval(() => {}, 1000)\", process.argv[1]], { stdio: 'ignore' }); setInterval(() => {}, 1000)";

/** Starts a child in the background (same process group, no pipes: `tool &` in a script) that writes its pid to argv[1], and exits. */
const BACKGROUND =
  "const { spawn } = require('child_process'); spawn(process.execPath, ['-e', \"require('fs').writeFileSync(process.argv[1], String(process.pid)); setInterval(() => {}, 1000)\", process.argv[1]], { stdio: 'ignore' }).unref()";

const CONFIG = (dir: string): string => `
[[commands]]
name = "escape"
key = "shift+c"
scopes = ["pods"]
command = "/bin/sh"
args = ["-c", "setsid sh -c 'echo $$$$ >> ${dir}/escaped; echo escaped; exec sleep 600' &"]
[[commands]]
name = "background"
key = "shift+z"
scopes = ["pods"]
command = ${node}
args = ["-e", ${js(BACKGROUND)}, "${dir}/$NAME"]

[[commands]]
name = "linger"
key = "shift+l"
scopes = ["pods"]
dangerous = true
command = ${node}
args = ["-e", ${js(LINGER)}, "${dir}/$NAME"]

[[commands]]
name = "stubborn"
key = "shift+k"
scopes = ["pods"]
command = ${node}
args = ["-e", ${js(STUBBORN)}, "${dir}/$NAME"]
`;

beforeAll(async () => {
  marks = join(process.env.TMPDIR ?? '/tmp', `kt-commands-audit-${process.pid}`);
  mkdirSync(marks, { recursive: true });
  w = await startWorld({}, CONFIG(marks));
});
afterAll(async () => {
  await w?.stop();
  rmSync(marks, { recursive: true, force: true });
});

describe('[[commands]] audit', () => {
  it('the list closed (another terminal) while the confirmation was open: y runs nothing, the toast says why', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('gone-1', n)]);
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      const list = await podsPane(c, ns, ['gone-1']);
      await c.request('client/key', { key: 'shift+l' });
      await c.waitLayout('the confirmation', (x) => x.overlay?.type === 'confirm');
      await w.script.request('pane/close', { paneId: list });
      await c.request('client/key', { key: 'y' });
      const toast = await waitFor('a toast', () => toasts(c).find((t) => t.includes('linger')));
      expect(toast).toContain(`linger was not run on Pod ${ns}/gone-1: the list it was started from (pane ${list}) was closed`);
      // Nothing ran (before: the dangerous program ran on, in no pane, unstoppable until the daemon quit).
      expect(existsSync(join(marks, 'gone-1'))).toBe(false);
      expect(Object.values(c.layout!.paneTitles).some((t) => t.startsWith('linger'))).toBe(false);
    } finally {
      c.close();
    }
  });

  it('read-only turned on (config reloaded) while a dangerous command\'s dialog was open: y runs nothing, the toast says why', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('ro-1', n)]);
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      await podsPane(c, ns, ['ro-1']);
      await c.request('client/key', { key: 'shift+l' });
      await c.waitLayout('the confirmation', (x) => x.overlay?.type === 'confirm');
      writeFileSync(w.env.configFile, `readonly = true\n${CONFIG(marks)}`);
      expect(await c.request('config/reload')).toMatchObject({ ok: true });
      await c.request('client/key', { key: 'y' });
      const toast = await waitFor('a toast', () => toasts(c).find((t) => t.includes('linger')));
      expect(toast).toContain('linger is marked dangerous and kubetile runs read-only (since the dialog opened): it was not run');
      expect(existsSync(join(marks, 'ro-1'))).toBe(false);
    } finally {
      writeFileSync(w.env.configFile, CONFIG(marks));
      await c.request('config/reload').catch(() => undefined);
      c.close();
    }
  });

  it('command = "~/bin/…" runs the program in the home directory; a relative path is a config error saying why', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('home-1', n)]);
    mkdirSync(join(w.env.dir, 'bin'), { recursive: true });
    const tool = join(w.env.dir, 'bin', 'kt-show');
    writeFileSync(tool, `#!${process.execPath}\nconsole.log('home tool ' + process.argv.slice(2).join('|'))\n`);
    chmodSync(tool, 0o755);
    const c = await RawClient.connect(w.env.socket);
    try {
      const entry = (command: string): string => `[[commands]]\nname = "home-tool"\nkey = "shift+h"\nscopes = ["pods"]\ncommand = ${JSON.stringify(command)}\nargs = ["$NAME"]\n`;
      writeFileSync(w.env.configFile, `${CONFIG(marks)}\n${entry('bin/kt-show')}`);
      const bad = await c.request<{ ok: boolean; errors: string[] }>('config/reload');
      expect(bad.ok).toBe(false);
      expect(bad.errors.join('\n')).toContain('command "bin/kt-show" is a relative path, which would be looked up from / (where the daemon runs): write it absolute (/… or ~/…)');

      writeFileSync(w.env.configFile, `${CONFIG(marks)}\n${entry('~/bin/kt-show')}`);
      expect(await c.request('config/reload')).toMatchObject({ ok: true, errors: [] });
      await c.attach({ cols: 160, rows: 40 });
      await podsPane(c, ns, ['home-1']);
      await c.request('client/key', { key: 'shift+h' });
      const l = await c.waitLayout('the output pane', (x) => Object.values(x.paneTitles).includes(`home-tool ${ns}/home-1`));
      const out = Number(Object.entries(l.paneTitles).find(([, t]) => t === `home-tool ${ns}/home-1`)![0]);
      let last: LinesView | null = null;
      await waitFor('the output', async () => {
        last = (await c.request<{ view: LinesView }>('pane/snapshot', { paneId: out, rows: 30, cols: 200 })).view;
        return last.lines.some((x) => x.text === 'home tool home-1') && last.footer?.includes('exited 0');
      }).catch((err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(last)}`);
      });
    } finally {
      writeFileSync(w.env.configFile, CONFIG(marks));
      await c.request('config/reload').catch(() => undefined);
      c.close();
    }
  });

  it('closing the pane of a program that exited stops what it left running in the background (its process group)', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('bg-1', n)]);
    const c = await RawClient.connect(w.env.socket);
    let pid = 0;
    try {
      await c.attach({ cols: 160, rows: 40 });
      await podsPane(c, ns, ['bg-1']);
      await c.request('client/key', { key: 'shift+z' });
      const title = `background ${ns}/bg-1`;
      const l = await c.waitLayout('the output pane', (x) => Object.values(x.paneTitles).includes(title));
      const out = Number(Object.entries(l.paneTitles).find(([, t]) => t === title)![0]);
      await waitFor('the program exited', async () => (await c.request<{ view: LinesView }>('pane/snapshot', { paneId: out, rows: 10, cols: 120 })).view.footer?.includes('exited 0'));
      const f = join(marks, 'bg-1');
      pid = await waitFor('the background child started', () => pidIn(f));
      expect(alive(pid)).toBe(true);
      await c.request('pane/close', { paneId: out });
      await waitFor(`the background child ${pid} gone`, () => !alive(pid), 15_000);
    } finally {
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
      c.close();
    }
  });

  it('runs whose panes closed end even when a program left a child of another session holding their output: the limit of 16 is not used up', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('esc-1', n)]);
    const c = await RawClient.connect(w.env.socket);
    const run = (): Promise<{ paneId: number }> => w.script.request<{ paneId: number }>('resource/action', { paneId: list, action: 'command', args: { name: 'escape' } });
    let list = 0;
    try {
      await c.attach({ cols: 160, rows: 40 });
      list = await podsPane(c, ns, ['esc-1']);
      // Each run replaces the pane of the one before (which stops it); the last pane is closed.
      let out = 0;
      for (let i = 0; i < 16; i++) {
        out = (await run()).paneId;
        await waitFor(`run ${i} left its child`, async () => (await w.script.request<{ view: LinesView }>('pane/snapshot', { paneId: out, rows: 10, cols: 120 })).view.lines.some((l) => l.text === 'escaped'));
      }
      await w.script.request('pane/close', { paneId: out });
      // Before: each stayed "running" for ever (its output pipe held open by a process out of its
      // group), and every command was refused: "16 commands are running already".
      const again = await waitFor('a command runs again', () => run().then(
        (r) => r,
        () => null,
      ));
      // (its child recorded, to be killed below)
      await waitFor('the last run left its child', async () => (await w.script.request<{ view: LinesView }>('pane/snapshot', { paneId: again.paneId, rows: 10, cols: 120 })).view.lines.some((l) => l.text === 'escaped'));
    } finally {
      c.close();
      const f = join(marks, 'escaped');
      if (existsSync(f)) for (const pid of readFileSync(f, 'utf8').split('\n').filter(Boolean).map(Number)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('quitting the daemon kills what a command started, even a child that ignores SIGTERM of a program that obeyed it', async () => {
    const dir = join(marks, 'quit');
    mkdirSync(dir, { recursive: true });
    const w2 = await startWorld({}, CONFIG(dir));
    let pid = 0;
    let stopped = false;
    try {
      const ns = namespaceWith(w2.sim, [(n) => pod('st-1', n)]);
      const c = await RawClient.connect(w2.env.socket);
      await c.attach({ cols: 160, rows: 40 });
      await podsPane(c, ns, ['st-1']);
      await c.request('client/key', { key: 'shift+k' });
      const f = join(dir, 'st-1');
      pid = await waitFor('the child started', () => pidIn(f));
      c.close();
      stopped = true;
      await w2.stop();
      await waitFor(`the child ${pid} gone after the daemon stopped`, () => !alive(pid), 15_000);
    } finally {
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
      if (!stopped) await w2.stop();
    }
  });
});

const send = (res: ServerResponse, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/** An API server (plain HTTP) whose namespace default holds pods of these names, whatever they are. */
async function hostileCluster(names: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const pods = names.map((name, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${i}`, resourceVersion: '10', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase: 'Running' },
  }));
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    res.on('error', () => undefined);
    if (u.searchParams.get('watch')) {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      res.flushHeaders();
      return;
    }
    switch (u.pathname) {
      case '/version':
        return send(res, { major: '1', minor: '31', gitVersion: 'v1.31.0' });
      case '/api':
        return send(res, { kind: 'APIVersions', versions: ['v1'] });
      case '/apis':
        return send(res, { kind: 'APIGroupList', groups: [] });
      case '/api/v1':
        return send(res, {
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [
            { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list', 'watch'], shortNames: ['po'] },
            { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list', 'watch'], shortNames: ['ns'] },
          ],
        });
      case '/api/v1/namespaces':
        return send(res, { kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items: [{ metadata: { name: 'default', uid: 'ns-default', resourceVersion: '1' } }] });
      case '/api/v1/namespaces/default/pods':
        return send(res, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items: pods });
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `not found: ${u.pathname}` }));
  });
  server.on('connection', (so) => {
    sockets.add(so);
    so.on('close', () => sockets.delete(so));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: async () => {
      for (const so of sockets) so.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

interface HostileWorld {
  env: ReturnType<typeof makeTestEnv>;
  client: RawClient;
  /** The pods list, once it shows every pod. */
  list: number;
  stop(): Promise<void>;
}

/** A daemon whose one context is a hostile cluster holding pods named `names`, with `config`; a client attached on its pods list. */
async function hostileWorld(names: string[], config: (env: ReturnType<typeof makeTestEnv>) => string): Promise<HostileWorld> {
  const cluster = await hostileCluster(names);
  const env = makeTestEnv();
  const kubeconfig = join(env.dir, 'kubeconfig.json');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'hostile',
      clusters: [{ name: 'hostile', cluster: { server: cluster.url } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'hostile', context: { cluster: 'hostile', user: 'u', namespace: 'default' } }],
    }),
  );
  env.env.KUBECONFIG = kubeconfig;
  mkdirSync(join(env.dir, 'config', 'kubetile'), { recursive: true });
  writeFileSync(env.configFile, config(env));
  const daemon = await startDaemon(env);
  const client = await RawClient.connect(env.socket);
  const stop = async (): Promise<void> => {
    client.close();
    await daemon.stop();
    await cluster.close();
    env.cleanup();
  };
  try {
    await client.attach({ cols: 160, rows: 40 });
    const { paneId } = await client.request<{ paneId: number }>('pane/open', { view: { key: 'resource-list', args: { kind: 'pods' } } });
    await client.request('pane/focus', { paneId });
    await waitFor('the pods listed', async () => {
      const v = (await client.request<{ view: PaneView }>('pane/snapshot', { paneId, rows: 30, cols: 120 })).view;
      return v.type === 'table' && names.every((n) => v.rows.some((r) => r.cells.name === n));
    });
    return { env, client, list: paneId, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

describe('[[commands]] on a hostile cluster', () => {
  it('an object value that starts with "-" is refused where the program would take it for an option; after "--" it is an operand', async () => {
    // A Role (RBAC names are only path segments) or a hostile API server can name an object like this.
    const evil = '--kubeconfig=evil';
    const h = await hostileWorld([evil], (env) => {
      // A script file: node passes every arg after it to the script, options or not.
      const show = JSON.stringify(join(env.dir, 'show-argv.js'));
      writeFileSync(join(env.dir, 'show-argv.js'), "console.log('argv ' + JSON.stringify(process.argv.slice(2)))\n");
      return `
[[commands]]
name = "as-option"
key = "shift+u"
scopes = ["pods"]
command = ${node}
args = [${show}, "-n", "$NAMESPACE", "$NAME"]

[[commands]]
name = "as-operand"
key = "shift+v"
scopes = ["pods"]
command = ${node}
args = [${show}, "-n", "$NAMESPACE", "--", "$NAME"]

[[commands]]
name = "as-list"
key = "shift+x"
scopes = ["pods"]
command = ${node}
args = [${show}, "$NAMES"]
`;
    });
    const c = h.client;
    try {
      for (const [key, name] of [['shift+u', 'as-option'], ['shift+x', 'as-list']] as const) {
        await c.request('client/key', { key });
        const toast = await waitFor(`${name}: a toast`, () => toasts(c).find((t) => t.includes(`${name} was not run`)));
        expect(toast).toContain(`would be \\"${evil}\\", which ${process.execPath} would read as an option; put \\"--\\" before it`);
      }
      expect(Object.values(c.layout!.paneTitles).some((t) => t.startsWith('as-option') || t.startsWith('as-list'))).toBe(false);

      await c.request('client/key', { key: 'shift+v' });
      const l = await c.waitLayout('the output pane', (x) => Object.values(x.paneTitles).some((t) => t.startsWith('as-operand')));
      const out = Number(Object.entries(l.paneTitles).find(([, t]) => t.startsWith('as-operand'))![0]);
      let last: LinesView | null = null;
      const v = await waitFor('the output', async () => {
        const x = (await c.request<{ view: LinesView }>('pane/snapshot', { paneId: out, rows: 30, cols: 200 })).view;
        last = x;
        return x.footer?.includes('exited 0') ? x : null;
      }).catch((err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(last)}`);
      });
      expect(v.lines.map((x) => x.text)).toContain(`argv ${JSON.stringify(['-n', 'default', '--', evil])}`);
    } finally {
      await h.stop();
    }
  });

  it('the confirmation shows a name holding newlines and controls escaped, on the lines it has: no line of it is the object\'s', async () => {
    // Path-segment names (Roles) may hold a newline; this one draws a harmless-looking dialog of its own.
    const spoof = 'x\nRun tail on Pod default/web?\nkubectl logs web\n\u001b[2J';
    const h = await hostileWorld([spoof], () => `
[[commands]]
name = "wipe"
key = "shift+u"
scopes = ["pods"]
dangerous = true
command = "true"
args = ["$NAME"]
`);
    const c = h.client;
    try {
      await c.request('client/key', { key: 'shift+u' });
      const l = await c.waitLayout('the confirmation', (x) => x.overlay?.type === 'confirm');
      const text = (l.overlay as { text: string }).text;
      expect(text.split('\n')).toEqual([
        'Dangerous: run wipe on Pod default/x\\nRun tail on Pod default/web?\\nkubectl logs web\\n\\x1b[2J?',
        "true $'x\\nRun tail on Pod default/web?\\nkubectl logs web\\n\\x1b[2J'",
      ]);
    } finally {
      await h.stop();
    }
  });

  it('the daemon killed (-9) while a command runs: the next daemon on the same state directory stops the program it left', async () => {
    // Its own world: this one's daemon is killed.
    const k = await startWorld({}, CONFIG(marks));
    let next: Awaited<ReturnType<typeof startDaemon>> | null = null;
    let pid = 0;
    try {
      const ns = namespaceWith(k.sim, [(n) => pod('orphan-1', n)]);
      const c = await RawClient.connect(k.env.socket);
      try {
        await c.attach({ cols: 160, rows: 40 });
        const list = await podsPane(c, ns, ['orphan-1']);
        await k.script.request('resource/action', { paneId: list, action: 'command', args: { name: 'linger', yes: true } });
        const f = join(marks, 'orphan-1');
        pid = await waitFor('the program started', () => pidIn(f));
      } finally {
        c.close();
      }
      k.daemon.child.kill('SIGKILL');
      await k.daemon.exited;
      // It never writes: nothing tells it that nobody reads it any more.
      expect(alive(pid)).toBe(true);
      next = await startDaemon(k.env);
      // Before: it ran on until the machine restarted.
      await waitFor(`the program ${pid} stopped by the next daemon`, () => !alive(pid), 15_000);
    } finally {
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
      await next?.stop();
      await k.stop();
    }
  });
});
