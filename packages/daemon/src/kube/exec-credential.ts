import { spawn, type ChildProcess } from 'node:child_process';
import { z } from 'zod';
import type { Logger } from '../logging/logger.js';
import { CredentialError } from './api-error.js';
import { LOGIN_AGAIN, LOGIN_TIMEOUT_MS, LoginNotDone, loginPrompt } from './credential-login.js';
import { Signal } from '../util/signal.js';
import { oneLine } from '../util/safe-text.js';

/** A kubeconfig `users[].user.exec` block (client.authentication.k8s.io). */
export interface ExecConfig {
  command: string;
  args: string[];
  env: Array<{ name: string; value: string }>;
  apiVersion: string;
  installHint?: string;
  provideClusterInfo: boolean;
  interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
}

/** What the API server needs from a plugin's answer, and until when it may be reused. */
export interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** ms since the epoch after which the plugin is asked again; null: until the API server refuses it (401). */
  reuseUntil: number | null;
}

/** The cluster a plugin is told about when the kubeconfig sets `provideClusterInfo`. */
export interface ClusterInfo {
  server: string;
  caData?: string;
  skipTLSVerify?: boolean;
  tlsServerName?: string;
}

/** How long a credential plugin may take before it is stopped. */
export const CREDENTIAL_TIMEOUT_MS = 20_000;
/** After a failure, requests get the same error for this long instead of starting the plugin again. */
const FAILURE_HOLD_MS = 5_000;
/** SIGTERM first; the process group gets SIGKILL if it is still there after this. */
const KILL_GRACE_MS = 2_000;
/** How often a plugin waiting for a login is said again (a toast lasts 5 s; a client attaching meanwhile sees it too). */
const PROMPT_AGAIN_MS = 4_000;
/** How long a plugin must wait on after printing a URL before it counts as waiting for a login (and is said). */
const PROMPT_GRACE_MS = 1_000;
const MAX_STDOUT = 1024 * 1024;
const STDERR_TAIL = 2048;

const execSchema = z.object({
  command: z.string().min(1, 'command is empty'),
  args: z.array(z.string()).nullish(),
  env: z.array(z.object({ name: z.string().min(1), value: z.string() })).nullish(),
  apiVersion: z.string().nullish(),
  installHint: z.string().nullish(),
  provideClusterInfo: z.boolean().nullish(),
  interactiveMode: z.enum(['Never', 'IfAvailable', 'Always']).nullish(),
});

/** Reads an exec block as client-node passes it through (untyped); throws naming `where` and the field. */
export function parseExecConfig(raw: unknown, where: string): ExecConfig {
  const r = execSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${where}.exec${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`);
  }
  const e = r.data;
  return {
    command: e.command,
    args: e.args ?? [],
    env: e.env ?? [],
    apiVersion: e.apiVersion ?? 'client.authentication.k8s.io/v1beta1',
    ...(e.installHint ? { installHint: e.installHint } : {}),
    provideClusterInfo: e.provideClusterInfo === true,
    ...(e.interactiveMode ? { interactiveMode: e.interactiveMode } : {}),
  };
}

const outputSchema = z.object({
  kind: z.literal('ExecCredential', { message: 'kind is not ExecCredential' }).optional(),
  apiVersion: z.string().optional(),
  status: z.object(
    {
      token: z.string().optional(),
      clientCertificateData: z.string().optional(),
      clientKeyData: z.string().optional(),
      expirationTimestamp: z.string().optional(),
    },
    { message: 'it has no status' },
  ),
});

/** Process groups of running plugins, killed if the daemon exits with them still running. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const p of liveGroups) killGroup(p, 'SIGKILL');
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* gone already */
  }
}

/**
 * Runs kubeconfig exec credential plugins without ever blocking the daemon: at most one process
 * at a time per user (concurrent requests share its answer), the credential reused until its
 * `expirationTimestamp` (or, without one, until the API server answers 401), a plugin that takes
 * longer than the timeout stopped with its whole process group, and every running plugin stopped
 * when the daemon stops.
 */
export class ExecCredentialProvider {
  private readonly cache = new Map<string, ExecCredential>();
  private readonly inflight = new Map<string, Promise<ExecCredential>>();
  /** Failures said again until `until` instead of starting the plugin; a login not done (LoginNotDone) until resumeLogins. */
  private readonly failed = new Map<string, { error: Error; until: number }>();
  /** Each running plugin's stop, by its credentials key (see supersede). */
  private readonly runsByKey = new Map<string, (why: string) => void>();
  /** The users whose plugin waits for a login now, and the prompt it gave. */
  private readonly waiting = new Map<string, { prompt: string; run: object }>();
  /** The `failed` keys that are logins not done (none: resumeLogins costs nothing on every key). */
  private readonly loginsHeld = new Set<string>();
  private readonly running = new Set<ChildProcess>();
  private stopped = false;
  /** Plugin processes started (for status and tests). */
  runs = 0;
  /**
   * A plugin waits for the user to log in (it printed a URL to open on stderr): said when it does and
   * every few seconds until it ends. The daemon runs in the background, where a browser the plugin
   * opens may not be seen (or cannot open: no display under systemd): the URL must reach a terminal.
   */
  readonly loginWaits = new Signal<{ user: string; command: string; prompt: string }>();
  /** A plugin that waited for a login ended (logged in or not): what showed its prompt shows what came of it. */
  readonly loginEnded = new Signal();

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs = CREDENTIAL_TIMEOUT_MS,
    private readonly loginTimeoutMs = LOGIN_TIMEOUT_MS,
  ) {}

  get(user: string, exec: ExecConfig, cluster: ClusterInfo | null): Promise<ExecCredential> {
    const key = credentialKey(user, exec, exec.provideClusterInfo && cluster ? cluster.server : '');
    if (this.stopped) return Promise.reject(new CredentialError(`credential plugin "${exec.command}" for user '${user}': the daemon is stopping`));
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && (hit.reuseUntil === null || hit.reuseUntil > now)) return Promise.resolve(hit);
    if (hit) this.cache.delete(key);
    const f = this.failed.get(key);
    if (f && f.until > now) return Promise.reject(f.error);
    if (f) this.failed.delete(key);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.run(user, exec, cluster, key)
        .then(
          (cred) => {
            this.failed.delete(key);
            if (cred.reuseUntil === null || cred.reuseUntil > Date.now()) this.cache.set(key, cred);
            return cred;
          },
          (err: Error) => {
            // Stopped for a kubeconfig that changed it: the next request runs the new one at once.
            if (err instanceof Superseded) throw err;
            const login = err instanceof LoginNotDone;
            if (login) this.loginsHeld.add(key);
            this.failed.set(key, { error: err, until: login ? Infinity : Date.now() + FAILURE_HOLD_MS });
            throw err;
          },
        )
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  /**
   * The API server refused a user's credentials (401): the next request runs the plugin again. Not
   * a login held: a 401 to a request that took its token before the hold (a port-forward's next
   * connection, another context of the user's) would start the browser login nobody asked for.
   */
  invalidate(user: string): void {
    const mine = keyPrefix(user);
    for (const k of [...this.cache.keys()]) if (k.startsWith(mine)) this.cache.delete(k);
    for (const k of [...this.failed.keys()]) if (k.startsWith(mine) && !this.loginsHeld.has(k)) this.failed.delete(k);
  }

  /** A user's kubeconfig entry changed (someone edited it: a user's act): its credentials, failures and held logins are forgotten. */
  forget(user: string): void {
    this.invalidate(user);
    const mine = keyPrefix(user);
    for (const k of [...this.loginsHeld]) {
      if (!k.startsWith(mine)) continue;
      this.failed.delete(k);
      this.loginsHeld.delete(k);
    }
  }

  /** The prompt of the login `user`'s plugin waits for now, or null. */
  loginPrompt(user: string): string | null {
    return this.waiting.get(user)?.prompt ?? null;
  }

  /** Whether any plugin waits for a login now (none: nothing to look up for a frame). */
  get awaitingLogin(): boolean {
    return this.waiting.size > 0;
  }

  /** Whether a login given up on is held (none: a key costs nothing here). */
  get holdsLogins(): boolean {
    return this.loginsHeld.size > 0;
  }

  /**
   * Someone uses kubetile (a key, a new view) where `users`' credentials are used (every user's when
   * not given): their logins given up on may start again, at the next request that needs them.
   * Returns whether there were any (their watches may retry now).
   */
  resumeLogins(users?: ReadonlySet<string>): boolean {
    let resumed = false;
    for (const k of [...this.loginsHeld]) {
      if (users && ![...users].some((u) => k.startsWith(keyPrefix(u)))) continue;
      this.failed.delete(k);
      this.loginsHeld.delete(k);
      resumed = true;
    }
    return resumed;
  }

  /** Kills every running plugin's process group; later requests fail. */
  stop(): void {
    this.stopped = true;
    for (const c of this.running) if (c.pid) killGroup(c.pid, 'SIGKILL');
    this.running.clear();
  }

  /**
   * The kubeconfig now gives `user` the exec block `exec` (null: none): its plugins still running
   * with another block are stopped. One waiting for a login kept its browser login (and kubelogin's
   * callback port) open beside the new block's: two logins asked for, the old one's token of no use.
   */
  supersede(user: string, exec: ExecConfig | null): void {
    const mine = keyPrefix(user);
    const current = exec === null ? null : keyPrefix(user, exec);
    for (const [key, stop] of [...this.runsByKey]) {
      if (key.startsWith(mine) && (current === null || !key.startsWith(current))) stop(`the kubeconfig changed the exec block of user '${user}'`);
    }
  }

  private run(user: string, exec: ExecConfig, cluster: ClusterInfo | null, key: string): Promise<ExecCredential> {
    const what = `credential plugin "${exec.command}" for user '${user}'`;
    if (exec.interactiveMode === 'Always') {
      return Promise.reject(
        new CredentialError(`${what} needs a terminal (interactiveMode: Always), which the kubetile daemon does not have: log in with kubectl first, or use a non-interactive credential`),
      );
    }
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const e of exec.env) env[e.name] = e.value;
    const spec: Record<string, unknown> = { interactive: false };
    if (exec.provideClusterInfo && cluster) {
      spec.cluster = {
        server: cluster.server,
        ...(cluster.caData ? { 'certificate-authority-data': cluster.caData } : {}),
        ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
        ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
      };
    }
    env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion: exec.apiVersion, kind: 'ExecCredential', spec });

    return new Promise<ExecCredential>((resolve, reject) => {
      let child: ChildProcess;
      try {
        // Its own process group, so a timeout (or the daemon stopping) kills whatever it started too.
        child = spawn(exec.command, exec.args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      } catch (err) {
        reject(new CredentialError(`${what} could not be started: ${(err as Error).message}`));
        return;
      }
      this.runs++;
      const pid = child.pid;
      if (pid) trackGroup(pid);
      this.running.add(child);
      const started = Date.now();
      this.logger.debug({ user, command: exec.command, pid }, 'running credential plugin');
      let stdout = '';
      let stderr = '';
      let settled = false;
      let failure: Error | null = null;
      /** This run, as the one whose login `waiting` shows. */
      const thisRun = {};
      const finish = (err: Error | null, cred?: ExecCredential): void => {
        if (settled) return;
        settled = true;
        if (this.runsByKey.get(key) === stopRun) this.runsByKey.delete(key);
        clearTimeout(deadline);
        if (promptTimer) clearInterval(promptTimer);
        if (this.waiting.get(user)?.run === thisRun) {
          this.waiting.delete(user);
          this.loginEnded.emit();
        }
        // Nothing more is read: whatever still holds the pipes (a process that ignores SIGTERM, a
        // child that left the process group with setsid) could otherwise write on until the
        // daemon's memory, or the longest string it can hold, runs out.
        child.stdout?.destroy();
        child.stderr?.destroy();
        if (err) {
          this.logger.warn({ user, command: exec.command, err: err.message }, 'credential plugin failed');
          reject(err);
        } else resolve(cred!);
      };
      const stopGroup = (): void => {
        if (!pid) return;
        killGroup(pid, 'SIGTERM');
        setTimeout(() => {
          killGroup(pid, 'SIGKILL');
          liveGroups.delete(pid);
        }, KILL_GRACE_MS).unref();
      };
      /** Stops it for a kubeconfig that gave its user another exec block (see supersede). */
      const stopRun = (why: string): void => {
        stopGroup();
        finish(new Superseded(`${what} was stopped: ${why}`));
      };
      this.runsByKey.set(key, stopRun);
      /** The last lines the plugin wrote to stderr, on one line. */
      const stderrTail = (): string => oneLine(stderr.trim().split('\n').slice(-3).join(' '), 400);
      const timedOut = (ms: number, login: boolean) => (): void => {
        stopGroup();
        // What it said while it waited is often why (a browser or device-code login it waits for).
        const said = stderrTail();
        if (login) finish(new LoginNotDone(`${what} waited ${duration(ms)} for a login that did not come and was stopped${said ? ` (it said: ${said})` : ''}; ${LOGIN_AGAIN}`));
        else finish(new CredentialError(`${what} did not answer within ${duration(ms)} and was stopped${said ? `; it said: ${said}` : ''}`));
      };
      let deadline = setTimeout(timedOut(this.timeoutMs, false), this.timeoutMs);
      let promptTimer: NodeJS.Timeout | null = null;
      /** It asks for a login: it gets the time a person needs, and the prompt is said until it ends. */
      let prompt = '';
      /** When it first asked for a login (null: it did not). */
      let promptAt: number | null = null;
      /**
       * A failure of a plugin that waited for a login longer than any plugin may take to answer
       * (it lived on only because a person was to log in): a login that did not come, held like
       * one we stopped. kubelogin gives up on its own after 180 s (--authentication-timeout-sec),
       * before our own wait ends: retried at once, each retry opened the browser login again.
       * A plugin that names a URL in a quick error (a network failure) is retried as any failure.
       */
      const loginGivenUp = (why: string): Error | null => {
        if (promptAt === null) return null;
        const waited = Date.now() - promptAt;
        if (waited < this.timeoutMs) return null;
        return new LoginNotDone(`${what} waited ${duration(Math.round(waited / 1000) * 1000)} for a login that did not come and gave up (${why}); ${LOGIN_AGAIN}`);
      };
      const waitForLogin = (): void => {
        promptAt = Date.now();
        clearTimeout(deadline);
        deadline = setTimeout(timedOut(this.loginTimeoutMs, true), this.loginTimeoutMs);
        this.logger.info({ user, command: exec.command, prompt }, 'credential plugin waits for a login');
        const say = (): void => {
          this.waiting.set(user, { prompt, run: thisRun });
          this.loginWaits.emit({ user, command: exec.command, prompt });
        };
        // Said once it has waited a moment: a plugin that names a URL in an error and exits (a network
        // failure: `Post "https://login…": dial tcp …`) is no login, and was toasted as "log in:" at each retry.
        promptTimer = setTimeout(() => {
          say();
          promptTimer = setInterval(say, PROMPT_AGAIN_MS);
        }, PROMPT_GRACE_MS);
      };
      child.stdout!.setEncoding('utf8');
      child.stderr!.setEncoding('utf8');
      child.stdout!.on('data', (d: string) => {
        if (settled) return;
        stdout += d;
        if (stdout.length > MAX_STDOUT && !failure) {
          failure = new CredentialError(`${what} printed more than ${MAX_STDOUT} bytes`);
          stopGroup();
          finish(failure);
        }
      });
      child.stderr!.on('data', (d: string) => {
        if (settled) return;
        stderr = (stderr + d).slice(-STDERR_TAIL);
        // The newest line naming a URL (a device code said after the page to open replaces it).
        const asked = loginPrompt(stderr);
        if (asked === null || asked === prompt) return;
        prompt = asked;
        // A new prompt (a device code after the page to open) is said with the next repeat, within 4 s:
        // said at every change, a plugin printing a new URL each millisecond flooded every terminal.
        if (promptTimer === null) waitForLogin();
      });
      child.on('error', (err: NodeJS.ErrnoException) => {
        this.running.delete(child);
        if (pid) liveGroups.delete(pid);
        const hint = exec.installHint ? `: ${exec.installHint.trim()}` : '';
        finish(new CredentialError(err.code === 'ENOENT' ? `${what} was not found${hint}` : `${what} could not be started: ${err.message}`));
      });
      // A child it left behind may hold stdout open: do not wait for it long.
      child.on('exit', () => {
        setTimeout(() => {
          if (!settled) {
            if (pid) killGroup(pid, 'SIGKILL');
            done(child.exitCode, child.signalCode);
          }
        }, 1000).unref();
      });
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        this.running.delete(child);
        if (pid) liveGroups.delete(pid);
        if (settled) return;
        this.logger.debug({ user, code, signal, ms: Date.now() - started }, 'credential plugin exited');
        if (this.stopped) {
          finish(new CredentialError(`${what} was stopped: the daemon is stopping`));
          return;
        }
        if (code !== 0) {
          const tail = stderrTail();
          const how = signal ? `signal ${signal}` : `exit code ${code}`;
          finish(loginGivenUp(`${how}${tail ? `: ${tail}` : ''}`) ?? new CredentialError(`${what} failed (${how})${tail ? `: ${tail}` : ''}`));
          return;
        }
        try {
          finish(null, parseCredential(stdout));
        } catch (err) {
          const why = `printed no valid ExecCredential: ${(err as Error).message}`;
          finish(loginGivenUp(`it ${why}`) ?? new CredentialError(`${what} ${why}`));
        }
      };
      child.on('close', (code, signal) => done(code, signal));
    });
  }
}

/** A plugin stopped because the kubeconfig changed its user's exec block: not held (the new block runs at once). */
class Superseded extends CredentialError {}

/** The key of a user's credentials from one exec block (and the cluster's server when the plugin is given it). */
const credentialKey = (user: string, exec: ExecConfig, server: string): string => JSON.stringify([user, exec, server]);

/**
 * How the keys of a user's credentials begin (`["alice",`), or of those from one exec block
 * (`["alice",{…},`): a JSON value ends at its closing quote or brace, so no other user's keys begin
 * so (with `alice\0` they did for a user named `alice\0{…`, a name a kubeconfig may hold: a 401 to
 * one dropped the other's token, an edit of one lifted the other's held login).
 */
const keyPrefix = (user: string, exec?: ExecConfig): string => `${JSON.stringify(exec === undefined ? [user] : [user, exec]).slice(0, -1)},`;

/** A timeout as said in messages: whole seconds, or milliseconds. */
const duration = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** The plugin's stdout as a credential, reusable until shortly before it expires. */
export function parseCredential(stdout: string, now = Date.now()): ExecCredential {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new Error(stdout.trim() === '' ? 'it printed nothing' : 'its output is not JSON');
  }
  const r = outputSchema.safeParse(json);
  if (!r.success) throw new Error(r.error.issues[0]!.message);
  const s = r.data.status;
  if (!s.token && !(s.clientCertificateData && s.clientKeyData)) throw new Error('status has neither a token nor a client certificate and key');
  let reuseUntil: number | null = null;
  if (s.expirationTimestamp !== undefined) {
    const exp = Date.parse(s.expirationTimestamp);
    if (Number.isNaN(exp)) throw new Error(`status.expirationTimestamp ${JSON.stringify(s.expirationTimestamp)} is not a time`);
    // Ask again a little early, so a request never leaves with a token about to expire.
    reuseUntil = exp - now > 20_000 ? exp - 10_000 : exp;
  }
  return {
    ...(s.token ? { token: s.token } : {}),
    ...(s.clientCertificateData ? { clientCertificateData: s.clientCertificateData } : {}),
    ...(s.clientKeyData ? { clientKeyData: s.clientKeyData } : {}),
    reuseUntil,
  };
}
