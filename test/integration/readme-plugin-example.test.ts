import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PaneView } from '@kubetile/rpc-schema';
import { RawClient } from '../helpers/rpc-client.js';
import { CLIENT_MAIN, REPO_ROOT } from '../helpers/daemon-process.js';
import { namespaceWith, pod, podsPane, startWorld, waitFor, type ExecWorld } from '../../packages/daemon/test/exec/harness.js';

/**
 * The README's "Writing a plugin" shows a command plugin and a WASM plugin side by side: both are
 * taken from the README as written, the WASM one scaffolded and built with npm, and both loaded by a
 * daemon on kube-sim — the plugin's table lists the pod that restarted and not the one that did not.
 */

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const section = README.slice(README.indexOf('## Writing a plugin'), README.indexOf('\n## ', README.indexOf('## Writing a plugin') + 5));
const block = (lang: string): string => {
  const m = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'm').exec(section);
  if (!m) throw new Error(`no \`\`\`${lang} block in the README's "Writing a plugin"`);
  return m[1]!;
};

let w: ExecWorld;
let wasm = '';
const dir = join(process.env.TMPDIR ?? '/tmp', `kt-readme-plugin-${process.pid}`);

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  execFileSync(process.execPath, [CLIENT_MAIN, 'plugin', 'new', 'restarts', dir], { encoding: 'utf8' });
  writeFileSync(join(dir, 'assembly', 'index.ts'), block('ts'));
  const manifest = /`("kubetile": \{.*?\}\})`/.exec(section);
  if (!manifest) throw new Error('the README does not show the package.json "kubetile" entry');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { kubetile: Record<string, unknown> };
  pkg.kubetile = { ...pkg.kubetile, ...(JSON.parse(`{${manifest[1]}}`) as { kubetile: Record<string, unknown> }).kubetile };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  const build = spawnSync('npm', ['run', 'build'], { cwd: dir, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the README's plugin does not build:\n${build.stdout}\n${build.stderr}`);
  wasm = join(dir, 'build', 'restarts.wasm');
  w = await startWorld({}, `${block('toml')}\n[[plugins]]\nkey = "restarts"\npath = ${JSON.stringify(wasm)}\npermissions = ["k8s:list:pods"]\n`);
}, 240_000);
afterAll(async () => {
  await w?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the README's two plugins", () => {
  it('the command plugin is a valid [[commands]] entry, the WASM plugin shows the restarted pod in a table', async () => {
    const reload = await w.script.request<{ ok: boolean; errors: string[] }>('config/reload', {});
    expect(reload).toEqual({ ok: true, errors: [] });

    const restarted = (ns: string) => {
      const p = pod('flappy', ns);
      p.status.containerStatuses[0]!.restartCount = 3;
      return p;
    };
    const ns = namespaceWith(w.sim, [(n) => pod('calm', n), restarted]);
    const c = await RawClient.connect(w.env.socket);
    try {
      await c.attach({ cols: 160, rows: 40 });
      await podsPane(c, ns, ['calm', 'flappy']);
      const { paneId } = await c.request<{ paneId: number }>('pane/open', { view: { key: 'restarts' } });
      const view = await waitFor('the plugin table', async () => {
        const v = (await c.request<{ view: PaneView }>('pane/snapshot', { paneId, rows: 20, cols: 120 })).view;
        return v.type === 'table' && v.rows.length > 0 ? v : null;
      }, 60_000);
      expect(view.type === 'table' && view.columns.map((col) => col.title)).toEqual(['POD', 'RESTARTS', 'AGE']);
      const rows = view.type === 'table' ? view.rows.map((r) => Object.values(r.cells)) : [];
      expect(rows).toHaveLength(1);
      expect(rows[0]!.slice(0, 2)).toEqual(['flappy', '3']);
    } finally {
      c.close();
    }
  });
});
