import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLIENT_MAIN, makeTestEnv, REPO_ROOT, socketAccepts, type TestEnv } from '../helpers/daemon-process.js';

/**
 * The README's "Install", "Run as a service" and "Scripting" sections work when pasted into a
 * shell: each section's `sh` blocks run, line by line as written, in bash (set -e, pipefail) in a
 * temporary HOME with its own XDG directories and npm prefix, from the checkout. A line that cannot
 * run here is skipped for a stated reason (and proved elsewhere): reinstalling the checkout's own
 * node_modules, packing (npm-pack.test.ts packs into the same build/ directory), the interactive TUI
 * (the tmux end-to-end tests), and what needs a user systemd or a tool this machine lacks.
 */

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const has = (cmd: string, ...args: string[]): boolean => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const USER_SYSTEMD = has('systemctl', '--user', 'is-system-running');
const HAVE_ANALYZE = has('systemd-analyze', '--version');
const HAVE_CURL = has('curl', '--version');

/** The body of the `## ` section whose title starts with `title`, up to the next `## `. */
function section(markdown: string, title: string): string | null {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`## ${title}`));
  if (start < 0) return null;
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** The commands of a section's ```sh blocks, one a line (comments kept: bash ignores them). */
function shellLines(body: string): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```$/gm)) {
    for (const line of m[1]!.split('\n')) if (line.trim() !== '' && !line.trim().startsWith('#')) out.push(line);
  }
  return out;
}

/** Why a line is not run here, or null to run it. */
function skipReason(line: string): string | null {
  const cmd = line.replace(/\s+#.*$/, '').trim();
  if (cmd === 'npm install') return "it reinstalls the checkout's node_modules (the test runs on them)";
  if (cmd === 'npm run pack:cli' || /^npm install -g \.\/build\//.test(cmd)) return 'npm-pack.test.ts packs and installs the tarball (into the same build/)';
  if (cmd === 'kubetile') return 'the interactive TUI (test/e2e/*-tmux.test.ts run it in tmux)';
  if (!USER_SYSTEMD && (/^systemctl --user/.test(cmd) || (/^kubetile daemon install-units/.test(cmd) && !cmd.includes('--no-enable')))) {
    return 'no user systemd here (systemctl --user)';
  }
  if (!HAVE_ANALYZE && /^systemd-analyze/.test(cmd)) return 'systemd-analyze is not installed';
  if (!HAVE_CURL && /\bcurl\b/.test(cmd)) return 'curl is not installed';
  return null;
}

let env: TestEnv;
let shellEnv: NodeJS.ProcessEnv;

beforeAll(() => {
  env = makeTestEnv();
  const prefix = join(env.dir, 'npm-global');
  mkdirSync(join(prefix, 'bin'), { recursive: true });
  shellEnv = {
    ...env.env,
    // `npm install -g` goes to a prefix of this test's own; its bin and ~/.local/bin come first on the
    // PATH, then node's directory and the system's (no other kubetile).
    npm_config_prefix: prefix,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // The user's npm cache (what --offline reads); only the prefix is this test's.
    npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
    PATH: [join(prefix, 'bin'), join(env.dir, '.local', 'bin'), dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
  };
});
afterAll(async () => {
  // A daemon a failed Scripting run left behind.
  if (await socketAccepts(env.socket)) spawnSync(process.execPath, [CLIENT_MAIN, 'kill-server', '--socket', env.socket], { env: env.env, timeout: 30_000 });
  env.cleanup();
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  skipped: string[];
}

/** Runs the lines in one bash (set -e, pipefail) from the checkout; each is announced on stderr. */
function runLines(lines: string[]): Promise<Ran> {
  const skipped: string[] = [];
  const script = ['set -eo pipefail'];
  for (const line of lines) {
    const why = skipReason(line);
    if (why) {
      skipped.push(`${line.trim()}  — skipped: ${why}`);
      continue;
    }
    script.push(`echo ${shq(`+ ${line.trim()}`)} >&2`, line);
  }
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script.join('\n')], { cwd: REPO_ROOT, env: shellEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out; stderr so far:\n${stderr}`));
    }, 240_000);
    child.on('close', (code) => {
      clearTimeout(t);
      if (skipped.length) console.warn(`README lines not run here:\n  ${skipped.join('\n  ')}`);
      resolve({ code, stdout, stderr, skipped });
    });
  });
}

/** A local port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const shq = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/** Ran to the end: the last line announced on stderr says which one failed. */
function expectOk(r: Ran): void {
  expect(r.code, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
}

describe('README sections work when pasted into a shell', () => {
  it('has the sections, each with commands to paste', () => {
    for (const title of ['Install', 'Run as a service', 'Scripting']) {
      const body = section(README, title);
      expect(body, `README has a "## ${title}" section`).not.toBeNull();
      expect(shellLines(body!).length, `"## ${title}" has sh blocks`).toBeGreaterThan(0);
    }
  });

  it('Install: npx kubetile in the checkout, npm install -g . on the PATH, and into ~/.local', async () => {
    const r = await runLines(shellLines(section(README, 'Install')!));
    expectOk(r);
    expect(r.stdout).toMatch(/^kubetile \d+\.\d+\.\d+$/m);
    expect(existsSync(join(String(shellEnv.npm_config_prefix), 'bin', 'kubetile'))).toBe(true);
    expect(existsSync(join(env.dir, '.local', 'bin', 'kubetile'))).toBe(true);
  }, 300_000);

  // Runs the `kubetile` the Install section put on the PATH (the tests of this file run in order).
  it('Scripting: every command against the demo cluster, as written', async () => {
    // As written, but the README's local port 18080 becomes a free one: two runs of the suite at once
    // (or anything else on the machine) must not collide on it.
    const port = await freePort();
    const lines = shellLines(section(README, 'Scripting')!).map((l) => l.replaceAll('18080', String(port)));
    const r = await runLines(lines);
    expectOk(r);
    // What the lines printed: the list, filtered; the forward carrying HTTP; a streamed view; the daemon stopped.
    expect(r.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE/m);
    expect(r.stdout).toMatch(/^frontend\s+\d+\/\d+/m);
    expect(r.stdout).toContain(`pf-1: Forwarding deployment/frontend:80 -> 127.0.0.1:${port}`);
    if (HAVE_CURL) expect(r.stdout).toMatch(/Welcome to nginx/);
    expect(r.stdout).toMatch(/scaled Deployment shop\/api to 3/);
    expect(r.stdout).toMatch(/"method":"pane\/view"/);
    expect(r.stdout).toMatch(/daemon stopped/);
    expect(await socketAccepts(env.socket)).toBe(false);
  }, 300_000);

  it('Run as a service: the units written, and verified by systemd-analyze when it is here', async () => {
    const r = await runLines(shellLines(section(README, 'Run as a service')!));
    expectOk(r);
    const units = join(env.dir, 'config', 'systemd', 'user');
    expect(readFileSync(join(units, 'kubetile.service'), 'utf8')).toMatch(/^ExecStart=.*kubetile.* daemon run$/m);
    expect(existsSync(join(units, 'kubetile.socket'))).toBe(true);
  }, 300_000);
});
