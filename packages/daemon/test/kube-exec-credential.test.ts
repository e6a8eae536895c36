import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processAlive as alive } from '../../../test/helpers/process-alive.js';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loginPrompt } from '../src/kube/credential-login.js';
import { ExecCredentialProvider, parseCredential, parseExecConfig, type ExecConfig } from '../src/kube/exec-credential.js';

const logger = pino({ level: 'silent' });
let dir: string;
let provider: ExecCredentialProvider | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kt-cred-'));
});
afterEach(() => {
  provider?.stop();
  provider = null;
  rmSync(dir, { recursive: true, force: true });
});

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}
const exec = (command: string, extra: Partial<ExecConfig> = {}): ExecConfig => ({ command, args: [], env: [], apiVersion: 'client.authentication.k8s.io/v1', provideClusterInfo: false, ...extra });
const cred = (status: Record<string, string>) => JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status });
const lines = (f: string): string[] => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);

async function until(what: string, probe: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('ExecCredentialProvider', () => {
  it('runs one process for concurrent requests and reuses the token until a 401 (no expiry given)', async () => {
    const calls = join(dir, 'calls');
    const cmd = script('ok.sh', `echo $$ >> ${calls}\nsleep 0.3\necho '${cred({ token: 'tok-1' })}'`);
    provider = new ExecCredentialProvider(logger);
    const got = await Promise.all(Array.from({ length: 8 }, () => provider!.get('alice', exec(cmd), null)));
    expect(got.every((c) => c.token === 'tok-1')).toBe(true);
    expect(await provider.get('alice', exec(cmd), null)).toMatchObject({ token: 'tok-1', reuseUntil: null });
    expect(lines(calls)).toHaveLength(1);
    provider.invalidate('alice');
    await provider.get('alice', exec(cmd), null);
    expect(lines(calls)).toHaveLength(2);
    // another user is another process
    await provider.get('bob', exec(cmd), null);
    expect(lines(calls)).toHaveLength(3);
  });

  it('asks again once the credential expired', async () => {
    const calls = join(dir, 'calls');
    const cmd = script('short.sh', `echo $$ >> ${calls}\necho "{\\"kind\\":\\"ExecCredential\\",\\"status\\":{\\"token\\":\\"t\\",\\"expirationTimestamp\\":\\"$(date -u -d '+1 second' +%Y-%m-%dT%H:%M:%SZ)\\"}}"`);
    provider = new ExecCredentialProvider(logger);
    await provider.get('alice', exec(cmd), null);
    await provider.get('alice', exec(cmd), null);
    expect(lines(calls)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2100));
    await provider.get('alice', exec(cmd), null);
    expect(lines(calls)).toHaveLength(2);
  });

  it('stops a plugin that hangs, with its whole process group, and says so', async () => {
    const pids = join(dir, 'pids');
    const cmd = script('hang.sh', `echo $$ >> ${pids}\nsleep 1000 &\necho $! >> ${pids}\nwait`);
    provider = new ExecCredentialProvider(logger, 700);
    const t0 = Date.now();
    await expect(provider.get('alice', exec(cmd), null)).rejects.toThrow(/credential plugin ".*hang\.sh" for user 'alice' did not answer within 700 ms and was stopped/);
    expect(Date.now() - t0).toBeLessThan(5_000);
    await until('both processes gone', () => lines(pids).length === 2 && lines(pids).map(Number).every((p) => !alive(p)));
    // the failure is held briefly instead of starting the plugin again at once
    await expect(provider.get('alice', exec(cmd), null)).rejects.toThrow(/did not answer/);
    expect(lines(pids)).toHaveLength(2);
  });

  it('stop() kills running plugins', async () => {
    const pids = join(dir, 'pids');
    const cmd = script('hang.sh', `echo $$ >> ${pids}\nsleep 1000 &\necho $! >> ${pids}\nwait`);
    provider = new ExecCredentialProvider(logger);
    const pending = provider.get('alice', exec(cmd), null).catch((e: Error) => e);
    await until('started', () => lines(pids).length === 2);
    provider.stop();
    await until('gone', () => lines(pids).map(Number).every((p) => !alive(p)));
    await expect(pending).resolves.toBeInstanceOf(Error);
    await expect(provider.get('alice', exec(cmd), null)).rejects.toThrow(/stopping/);
  });

  it('clear errors: a failing plugin, a missing one (with the install hint), bad output, interactive-only', async () => {
    provider = new ExecCredentialProvider(logger);
    const fail = script('fail.sh', 'echo "token expired; run aws sso login" >&2\nexit 3');
    await expect(provider.get('u1', exec(fail), null)).rejects.toThrow(/failed \(exit code 3\): token expired; run aws sso login/);
    await expect(provider.get('u2', exec(join(dir, 'nope')), null)).rejects.toThrow(/was not found/);
    await expect(provider.get('u3', exec('kubetile-no-such-plugin', { installHint: 'install it with brew' }), null)).rejects.toThrow(/was not found: install it with brew/);
    await expect(provider.get('u4', exec(script('junk.sh', 'echo hello')), null)).rejects.toThrow(/printed no valid ExecCredential: its output is not JSON/);
    await expect(provider.get('u5', exec(script('empty.sh', `echo '${cred({})}'`)), null)).rejects.toThrow(/neither a token nor a client certificate/);
    await expect(provider.get('u6', exec(fail, { interactiveMode: 'Always' }), null)).rejects.toThrow(/needs a terminal/);
  });

  it('passes KUBERNETES_EXEC_INFO and the exec env, with the cluster when asked', async () => {
    const out = join(dir, 'info');
    const cmd = script('info.sh', `echo "$KUBERNETES_EXEC_INFO" > ${out}\necho "$FOO" >> ${out}\necho '${cred({ token: 't' })}'`);
    provider = new ExecCredentialProvider(logger);
    await provider.get('alice', exec(cmd, { env: [{ name: 'FOO', value: 'bar' }], provideClusterInfo: true }), { server: 'https://k:6443' });
    const [info, foo] = lines(out);
    expect(JSON.parse(info!)).toEqual({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false, cluster: { server: 'https://k:6443' } } });
    expect(foo).toBe('bar');
  });
});

describe('parsing', () => {
  it('reuses a credential until 10 s before it expires, or until it expires when it is short-lived', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseCredential(cred({ token: 't', expirationTimestamp: '2030-01-01T01:00:00Z' }), now).reuseUntil).toBe(now + 3600_000 - 10_000);
    expect(parseCredential(cred({ token: 't', expirationTimestamp: '2030-01-01T00:00:05Z' }), now).reuseUntil).toBe(now + 5_000);
    expect(() => parseCredential(cred({ token: 't', expirationTimestamp: 'soon' }), now)).toThrow(/is not a time/);
    expect(() => parseCredential(JSON.stringify({ kind: 'Secret', status: { token: 't' } }), now)).toThrow(/not ExecCredential/);
  });

  it('reads an exec block, naming the bad field', () => {
    expect(parseExecConfig({ command: 'aws', args: ['eks', 'get-token'], apiVersion: 'client.authentication.k8s.io/v1beta1' }, "user 'a'")).toMatchObject({ command: 'aws', args: ['eks', 'get-token'], env: [] });
    expect(() => parseExecConfig({ command: '' }, "user 'a'")).toThrow(/^user 'a'\.exec\.command: command is empty/);
    expect(() => parseExecConfig({ command: 'x', args: 'nope' }, "user 'a'")).toThrow(/^user 'a'\.exec\.args: /);
  });
});

// A plugin that waits for a person (a browser or device-code login): stopped for taking too long,
// the user is told what it was waiting for.
describe('a credential plugin that waits for a login', () => {
  it('stopped after the timeout: the error carries what it said on stderr (the URL and code it waited on)', async () => {
    // As kubelogin (device code) and oidc-login (browser) do: instructions on stderr, then a wait.
    const cmd = script('login.sh', `echo 'To sign in, open https://login.example/device and enter the code ABCD-1234' >&2\nexec sleep 1000`);
    provider = new ExecCredentialProvider(logger, 300, 1_500);
    // Before: only "… did not answer within 5 s and was stopped": nothing said why it hung.
    await expect(provider.get('alice', exec(cmd), null)).rejects.toThrow(
      /credential plugin ".*login\.sh" for user 'alice' waited 1500 ms for a login that did not come and was stopped \(it said: To sign in, open https:\/\/login\.example\/device and enter the code ABCD-1234\); press any key in kubetile to log in again$/,
    );
  });

  it('a login that did not come is not started again by retries, only after resumeLogins (someone uses kubetile)', async () => {
    const runs = join(dir, 'runs');
    const cmd = script('login.sh', `echo run >> ${runs}\necho 'open https://login.example/device' >&2\nexec sleep 1000`);
    provider = new ExecCredentialProvider(logger, 300, 1_000);
    const first = await provider.get('alice', exec(cmd), null).catch((e: Error) => e);
    expect(first).toBeInstanceOf(Error);
    // Retries well after the 5 s any other failure is held for (the clock moved on, not waited for):
    // each got the same error, and the plugin (a browser login each time) was not started again.
    const realNow = Date.now;
    try {
      Date.now = () => realNow() + 60 * 60_000;
      for (let i = 0; i < 3; i++) await expect(provider.get('alice', exec(cmd), null)).rejects.toBe(first);
    } finally {
      Date.now = realNow;
    }
    expect(lines(runs)).toHaveLength(1);
    expect(provider.runs).toBe(1);
    expect(provider.resumeLogins()).toBe(true);
    expect(provider.resumeLogins()).toBe(false);
    const again = provider.get('alice', exec(cmd), null).catch((e: Error) => e);
    await until('the plugin started again', () => lines(runs).length === 2);
    expect(await again).toBeInstanceOf(Error);
  });

  it('a plugin that gives up on its own login (kubelogin after its 180 s) is held like one stopped, whatever way it ends', async () => {
    const runs = join(dir, 'runs');
    // The answer timeout is 300 ms: each waited past it for the person, then gave up: exit 1, a signal, exit 0 with no credential.
    const endings = { 'exit.sh': 'exit 1', 'signal.sh': 'kill -TERM $$', 'badjson.sh': 'echo not-json; exit 0' };
    provider = new ExecCredentialProvider(logger, 300, 60_000);
    for (const [name, ending] of Object.entries(endings)) {
      const cmd = script(name, `echo ${name} >> ${runs}\necho 'Please visit the following URL in your browser: http://localhost:8000/' >&2\nsleep 0.6\necho 'error: authentication timed out' >&2\n${ending}`);
      const first = await provider.get(name, exec(cmd), null).then(() => new Error('it answered'), (e: Error) => e);
      expect(first.message).toMatch(new RegExp(`^credential plugin ".*${name}" for user '${name}' waited \\d+ s for a login that did not come and gave up \\(.+\\); press any key in kubetile to log in again$`));
      const realNow = Date.now;
      try {
        // Before: held 5 s like any failure, then the retry of a watch started it (a browser login) again.
        Date.now = () => realNow() + 60 * 60_000;
        await expect(provider.get(name, exec(cmd), null)).rejects.toBe(first);
      } finally {
        Date.now = realNow;
      }
    }
    expect(lines(runs)).toEqual(Object.keys(endings));
    expect(provider.resumeLogins()).toBe(true);
    await expect(provider.get('exit.sh', exec(join(dir, 'exit.sh')), null)).rejects.toThrow(/gave up/);
    expect(lines(runs)).toHaveLength(4);
  });

  it('a 401 does not lift a login held (a request that took its token before, another context of the user), a kubeconfig change does', async () => {
    const runs = join(dir, 'runs');
    const cmd = script('login.sh', `echo run >> ${runs}\necho 'open https://login.example/device' >&2\nexec sleep 1000`);
    provider = new ExecCredentialProvider(logger, 300, 1_000);
    const first = await provider.get('alice', exec(cmd), null).then(() => new Error('it answered'), (e: Error) => e);
    expect(first.message).toMatch(/press any key in kubetile to log in again$/);
    // What a 401 to one of alice's requests does (exec-auth's credentialsRefused). Before: the hold was
    // gone, and the next retry of any watch started the browser login again, no key pressed.
    provider.invalidate('alice');
    await expect(provider.get('alice', exec(cmd), null)).rejects.toBe(first);
    expect(lines(runs)).toHaveLength(1);
    // Alice's kubeconfig entry changed: she did that, the login may start again.
    provider.forget('alice');
    expect(provider.resumeLogins()).toBe(false);
    await expect(provider.get('alice', exec(cmd), null)).rejects.toThrow(/did not come/);
    expect(lines(runs)).toHaveLength(2);
  });

  it('a user whose name begins with another user\'s and a NUL keeps its own login held when the other\'s kubeconfig entry changes', async () => {
    const runs = join(dir, 'runs');
    const cmd = script('login.sh', `echo run >> ${runs}\necho 'open https://login.example/device' >&2\nexec sleep 1000`);
    provider = new ExecCredentialProvider(logger, 300, 1_000);
    // A name a kubeconfig may hold ("a\u0000{…" in JSON): its keys began with "a\0", as the keys of user "a" did.
    const odd = `a\0${JSON.stringify(exec(cmd))}`;
    const first = await provider.get(odd, exec(cmd), null).then(() => new Error('it answered'), (e: Error) => e);
    expect(first.message).toMatch(/did not come/);
    provider.forget('a');
    await expect(provider.get(odd, exec(cmd), null)).rejects.toBe(first);
    expect(lines(runs)).toHaveLength(1);
  });

  it('a plugin that names a URL in a quick error (no person waited on) is retried as any failure is', async () => {
    const runs = join(dir, 'runs');
    const cmd = script('neterr.sh', `echo run >> ${runs}\necho 'error: Get "https://login.example/token": dial tcp: no such host' >&2\nexit 1`);
    provider = new ExecCredentialProvider(logger, 300, 60_000);
    await expect(provider.get('alice', exec(cmd), null)).rejects.toThrow(/failed \(exit code 1\): error: Get/);
    const realNow = Date.now;
    try {
      Date.now = () => realNow() + 6_000;
      await expect(provider.get('alice', exec(cmd), null)).rejects.toThrow(/failed \(exit code 1\)/);
    } finally {
      Date.now = realNow;
    }
    expect(lines(runs)).toHaveLength(2);
    expect(provider.resumeLogins()).toBe(false);
  });

  it('a plugin that names a URL in its error and exits at once is no login: nothing is said, its failure is retried as any', async () => {
    // A URL in an error Go's request words do not frame, then a quick exit (a network failure).
    const cmd = script('neterr.sh', `echo 'token request to https://sts.example/ failed: connection reset' >&2\nexit 1`);
    provider = new ExecCredentialProvider(logger, 5_000, 60_000);
    const said: string[] = [];
    provider.loginWaits.subscribe((w) => said.push(w.prompt));
    await expect(provider.get('alice', exec(cmd), null)).rejects.toThrow(/failed \(exit code 1\): token request to https:\/\/sts\.example\/ failed: connection reset$/);
    // Its end stopped everything it had started: nothing can be said after (before: said the moment the line came).
    expect(said).toEqual([]);
    expect(provider.loginPrompt('alice')).toBeNull();
  });

  it('a login under way with an exec block the kubeconfig no longer gives its user is stopped (supersede); the same block is left alone', async () => {
    const pids = join(dir, 'pids');
    const cmd = script('kubelogin.sh', `echo $$ >> ${pids}\necho 'Please visit http://localhost:8000/' >&2\nexec sleep 1000`);
    provider = new ExecCredentialProvider(logger, 300, 60_000);
    const old = exec(cmd, { args: ['get-token', '--oidc-issuer-url=https://old.example'] });
    const got = provider.get('alice', old, null).catch((e: Error) => e);
    await until('the login asked for', () => lines(pids).length === 1);
    // A reload that leaves alice's block as it was (another context of hers changed): nothing stopped.
    provider.supersede('alice', exec(cmd, { args: ['get-token', '--oidc-issuer-url=https://old.example'] }));
    provider.supersede('bob', null);
    const pid = Number(lines(pids)[0]);
    expect(alive(pid)).toBe(true);
    // The user fixed the issuer URL while the login waited: the old plugin (its browser login, its callback port) goes.
    provider.supersede('alice', exec(cmd, { args: ['get-token', '--oidc-issuer-url=https://new.example'] }));
    expect(String(await got)).toMatch(/credential plugin ".*kubelogin\.sh" for user 'alice' was stopped: the kubeconfig changed the exec block of user 'alice'$/);
    await until('the old plugin gone', () => !alive(pid));
    // Not held: the old block, asked again (a request already under way), runs at once.
    const again = provider.get('alice', old, null).catch((e: Error) => e);
    await until('started again', () => lines(pids).length === 2);
    provider.stop();
    await again;
  });

  it('the prompt of a login under way is there to show (loginPrompt) until the plugin ends', async () => {
    const done = join(dir, 'logged-in');
    const cmd = script('oidc.sh', `echo 'Please visit http://localhost:8000/' >&2\nwhile [ ! -e ${done} ]; do sleep 0.05; done\necho '${cred({ token: 't' })}'`);
    provider = new ExecCredentialProvider(logger, 300, 60_000);
    expect(provider.loginPrompt('alice')).toBeNull();
    const got = provider.get('alice', exec(cmd), null);
    await until('the prompt', () => provider!.loginPrompt('alice') !== null);
    expect(provider.loginPrompt('alice')).toBe('Please visit http://localhost:8000/');
    expect(provider.loginPrompt('bob')).toBeNull();
    writeFileSync(done, '');
    await expect(got).resolves.toMatchObject({ token: 't' });
    expect(provider.loginPrompt('alice')).toBeNull();
  });

  it('a plugin that asks for a browser login gets the login timeout, not the answer timeout, and its URL is said (safely) until it answers', async () => {
    const done = join(dir, 'logged-in');
    // oidc-login's way: the URL on stderr (here with a terminal escape in it), then the answer once the browser came back.
    const cmd = script(
      'oidc.sh',
      `printf 'Please visit the following URL in your browser: http://localhost:8000/?state=x\\033]52;c;aGk=\\007\\n' >&2\nwhile [ ! -e ${done} ]; do sleep 0.05; done\necho '${cred({ token: 'after-login' })}'`,
    );
    provider = new ExecCredentialProvider(logger, 300, 60_000);
    const said: string[] = [];
    provider.loginWaits.subscribe((w) => said.push(`${w.user}: ${w.prompt}`));
    const t0 = Date.now();
    const got = provider.get('alice', exec(cmd), null);
    await until('the login prompt said', () => said.length > 0);
    expect(said[0]).toBe('alice: Please visit the following URL in your browser: http://localhost:8000/?state=x ]52;c;aGk=');
    // Past the answer timeout (300 ms) three times over, the plugin still waits for the person.
    await until('well past the answer timeout', () => Date.now() - t0 > 1_200);
    writeFileSync(done, '');
    await expect(got).resolves.toMatchObject({ token: 'after-login' });
  });

  it('a plugin that prints a new URL every moment is said once, then at most every 4 s (not once a line to every terminal)', async () => {
    // A line every 20 ms: each its own write, read as its own chunk.
    const cmd = script('flood.sh', `i=0\nwhile [ $i -lt 100 ]; do echo "open http://localhost:8000/?n=$i" >&2; i=$((i+1)); sleep 0.02; done\nexec sleep 1000`);
    provider = new ExecCredentialProvider(logger, 300, 60_000);
    const said: string[] = [];
    provider.loginWaits.subscribe((w) => said.push(w.prompt));
    const got = provider.get('alice', exec(cmd), null).catch(() => undefined);
    await until('the first prompt', () => said.length > 0);
    const t0 = Date.now();
    // Once the plugin has printed all 100 lines (its newest prompt is the 100th)…
    await until('the repeat with the newest prompt', () => said.at(-1) === 'open http://localhost:8000/?n=99', 20_000);
    // …at most the first prompt and one repeat per 4 s since were said.
    expect(said.length).toBeLessThanOrEqual(2 + Math.floor((Date.now() - t0) / 4000));
    provider.stop();
    await got;
  });

  it('the login prompt is the newest whole line naming a URL: a URL cut between two writes is not said cut', () => {
    expect(loginPrompt('open http://localh')).toBeNull();
    expect(loginPrompt('open http://localhost:8000/cb\nwaiting')).toBe('open http://localhost:8000/cb');
    expect(loginPrompt('see https://a.example/device\r\nthen enter the code ABCD at https://b.example/\n')).toBe('then enter the code ABCD at https://b.example/');
    expect(loginPrompt('starting\nno link here\n')).toBeNull();
    // Go's words for a failed request name its URL: an error, not a page to open.
    expect(loginPrompt('error: failed to get token: Post "https://login.example/token": dial tcp: lookup login.example: no such host\n')).toBeNull();
    expect(loginPrompt('open https://login.example/device\nGet "https://login.example/poll": EOF\n')).toBe('open https://login.example/device');
    expect(loginPrompt(`go to https://x.example/${'a'.repeat(2000)}\n`)!.length).toBe(601);
  });
});
