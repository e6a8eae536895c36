import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LinesView } from '@kubetile/rpc-schema';
import { RawClient } from '../helpers/rpc-client.js';
import { processAlive } from '../helpers/process-alive.js';
import { namespaceWith, pod, podsPane, startWorld, waitFor, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * Declarative commands (`[[commands]]`): a key on a pods list runs a program with the selected
 * pod's values as separate args (never through a shell) and in its environment, its output in a
 * pane; confirm/dangerous ask first; a kind outside the scopes is refused; closing the pane stops
 * the program; a missing program says so.
 */

let w: ExecWorld;
let marks: string;
let config: string;
const node = JSON.stringify(process.execPath);
const js = (code: string): string => JSON.stringify(code);

beforeAll(async () => {
  marks = join(process.env.TMPDIR ?? '/tmp', `kt-commands-${process.pid}`);
  mkdirSync(marks, { recursive: true });
  config = `
[[commands]]
name = "show-args"
key = "shift+o"
scopes = ["po"]
command = ${node}
args = ["-e", ${js("console.log(process.argv.slice(1).join('|')); console.log('env ' + process.env.NAMESPACE + ' ' + process.env.NAME); console.error('to stderr')")}, "$NAMESPACE", "\${NAME}", "$LABELS.app", "$CONTAINER", "cost $$5", "$(touch INJECTED); echo no"]

[[commands]]
name = "mark"
key = "shift+m"
scopes = ["pods"]
dangerous = true
command = ${node}
args = ["-e", ${js("require('fs').writeFileSync(process.argv[1], 'ran')")}, "${marks}/$NAME"]

[[commands]]
name = "deploy-only"
key = "shift+k"
scopes = ["deployments"]
command = ${node}
args = ["-e", "1"]

[[commands]]
name = "forever"
key = "shift+f"
scopes = ["all"]
command = ${node}
args = ["-e", ${js("console.log('pid ' + process.pid); setInterval(() => {}, 1000)")}]

[[commands]]
name = "each"
key = "shift+n"
scopes = ["pods"]
command = ${node}
args = ["-e", ${js("console.log('got ' + process.argv.slice(1).join('|'))")}, "$OBJECTS"]

[[commands]]
name = "big"
key = "shift+b"
scopes = ["pods"]
command = ${node}
args = ["-e", ${js("let s = ''; for (let i = 0; i < 30000; i++) s += 'line ' + i + ' ' + 'x'.repeat(90) + '\\n'; process.stdout.write(s + 'done\\n')")}]

[[commands]]
name = "missing"
key = "shift+x"
scopes = ["pods"]
command = "kubetile-no-such-program"
`;
  w = await startWorld({}, config);
});
afterAll(async () => {
  await w?.stop();
  rmSync(marks, { recursive: true, force: true });
});

/** The command-output pane titled `title` on `c`'s layout, once its view satisfies `pred`. */
async function outputPane(c: RawClient, title: string, pred: (v: LinesView) => boolean): Promise<LinesView> {
  const l = await c.waitLayout(`a pane titled ${title}`, (x) => Object.values(x.paneTitles).includes(title));
  const paneId = Number(Object.entries(l.paneTitles).find(([, t]) => t === title)![0]);
  let last: LinesView | null = null;
  try {
    return await waitFor(`${title}: the output`, async () => {
      const v = (await c.request<{ view: LinesView }>('pane/snapshot', { paneId, rows: 30, cols: 200 })).view;
      last = v;
      return v.type === 'lines' && pred(v) ? v : null;
    });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${JSON.stringify(last)}`);
  }
}
const texts = (v: LinesView): string[] => v.lines.map((l) => l.text);
const lastToast = (c: RawClient): string => JSON.stringify(c.notifications.filter((n) => n.method === 'toast').at(-1)?.params ?? null);

describe('[[commands]]', () => {
  it('runs the program with the pod in its args and environment, as argv (no shell), output in a pane', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('web-1', n, ['app', 'sidecar'])]);
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      await podsPane(c, ns, ['web-1']);
      await c.request('client/key', { key: 'shift+o' });
      const v = await outputPane(c, `show-args ${ns}/web-1`, (x) => x.footer?.includes('exited 0') === true);
      // Each arg arrived whole: the label, the first container, $$ as $, and shell syntax as text.
      expect(texts(v)).toContain(`${ns}|web-1|web-1|app|cost $5|$(touch INJECTED); echo no`);
      expect(texts(v)).toContain(`env ${ns} web-1`);
      expect(v.lines.find((l) => l.text === 'to stderr')?.style).toBe('warn');
      expect(existsSync('INJECTED')).toBe(false);
    } finally {
      c.close();
    }
  });

  it('dangerous asks first showing the command line: n runs nothing, y runs it on the pod the dialog named', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('db-1', n), (n) => pod('db-2', n)]);
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      await podsPane(c, ns, ['db-1', 'db-2']);
      await c.request('client/key', { key: 'shift+m' });
      const l = await c.waitLayout('the confirmation', (x) => x.overlay?.type === 'confirm');
      expect(JSON.stringify(l.overlay)).toContain(`Dangerous: run mark on Pod ${ns}/db-1?`);
      expect(JSON.stringify(l.overlay)).toContain(`${marks}/db-1`);
      await c.request('client/key', { key: 'n' });
      await c.waitLayout('the dialog gone', (x) => !x.overlay);
      await c.request('client/key', { key: 'shift+m' });
      await c.waitLayout('asked again', (x) => x.overlay?.type === 'confirm');
      await c.request('client/key', { key: 'y' });
      await waitFor('the program ran on db-1', () => existsSync(join(marks, 'db-1')) && readFileSync(join(marks, 'db-1'), 'utf8') === 'ran');
      expect(existsSync(join(marks, 'db-2'))).toBe(false);
    } finally {
      c.close();
    }
  });

  it('a kind outside its scopes is refused with a toast naming them; nothing runs', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('api-1', n)]);
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      await podsPane(c, ns, ['api-1']);
      await c.request('client/key', { key: 'shift+k' });
      await waitFor('a toast', () => /deploy-only applies to deployments, not to pods/.test(lastToast(c)));
      expect(Object.values(c.layout!.paneTitles).some((t) => t.startsWith('deploy-only'))).toBe(false);
    } finally {
      c.close();
    }
  });

  it('closing the pane stops the program; a missing program is said in the pane', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('job-1', n)]);
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      await podsPane(c, ns, ['job-1']);
      await c.request('client/key', { key: 'shift+f' });
      const title = `forever ${ns}/job-1`;
      const v = await outputPane(c, title, (x) => texts(x).some((t) => t.startsWith('pid ')));
      const pid = Number(texts(v).find((t) => t.startsWith('pid '))!.slice(4));
      expect(v.footer).toContain('running');
      const paneId = Number(Object.entries(c.layout!.paneTitles).find(([, t]) => t === title)![0]);
      await c.request('pane/close', { paneId });
      await waitFor('the program stopped', () => !processAlive(pid));

      await c.request('client/key', { key: 'shift+x' });
      const m = await outputPane(c, `missing ${ns}/job-1`, (x) => x.footer?.includes('failed') === true);
      expect(texts(m)).toContain('command not found: kubetile-no-such-program');
    } finally {
      c.close();
    }
  });

  it('3 MB written at once reach the pane whole and in order (reading is paced, never lossy); the pane keeps the newest', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('dump-1', n)]);
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      await podsPane(c, ns, ['dump-1']);
      await c.request('client/key', { key: 'shift+b' });
      const v = await outputPane(c, `big ${ns}/dump-1`, (x) => x.footer?.includes('exited 0') === true);
      const shown = texts(v);
      expect(shown.at(-1)).toBe('done');
      const numbers = shown.filter((t) => t.startsWith('line ')).map((t) => Number(t.split(' ')[1]));
      expect(numbers.length).toBeGreaterThan(10);
      expect(numbers.at(-1)).toBe(29_999);
      numbers.forEach((n, i) => expect(n).toBe(numbers[0]! + i));
    } finally {
      c.close();
    }
  });

  it('read-only (readonly = true): a dangerous command is refused before any dialog, others still run', async () => {
    const ns = namespaceWith(w.sim, [(n) => pod('ro-1', n)]);
    const c = await RawClient.connect(w.env.socket);
    try {
      writeFileSync(w.env.configFile, `readonly = true\n${config}`);
      expect(await c.request('config/reload')).toMatchObject({ ok: true });
      await c.attach({ cols: 160, rows: 40 });
      await podsPane(c, ns, ['ro-1']);
      await c.request('client/key', { key: 'shift+m' });
      await waitFor('a toast', () => /mark is marked dangerous and kubetile runs read-only/.test(lastToast(c)));
      expect(c.layout!.overlay ?? null).toBeNull();
      expect(existsSync(join(marks, 'ro-1'))).toBe(false);
      await c.request('client/key', { key: 'shift+o' });
      await outputPane(c, `show-args ${ns}/ro-1`, (x) => x.footer?.includes('exited 0') === true);
    } finally {
      writeFileSync(w.env.configFile, config);
      await c.request('config/reload').catch(() => undefined);
      c.close();
    }
  });

  it('with rows marked (space) a command gets every marked object: $OBJECTS is one arg each', async () => {
    const ns = namespaceWith(w.sim, ['m-1', 'm-2', 'm-3'].map((n) => (x: string) => pod(n, x)));
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      await podsPane(c, ns, ['m-1', 'm-2', 'm-3']);
      await c.request('client/key', { key: 'shift+n' });
      await outputPane(c, `each ${ns}/m-1`, (x) => texts(x).includes(`got ${ns}/m-1`));
      const list = Number(Object.entries(c.layout!.paneTitles).find(([, t]) => t.startsWith('Pods'))![0]);
      await c.request('pane/focus', { paneId: list });
      for (const key of ['space', 'j', 'space']) await c.request('client/key', { key });
      await c.request('client/key', { key: 'shift+n' });
      await outputPane(c, `each 2 pods`, (x) => texts(x).includes(`got ${ns}/m-1|${ns}/m-3`));
    } finally {
      c.close();
    }
  });
});
