/**
 * pods/exec and pods/attach over WebSocket (checklist H1–H5): validation before the upgrade,
 * subprotocol negotiation, channel framing, the command simulator, and the exit Status.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { badRequest } from '../api/status.js';
import { queryBool } from '../http/query.js';
import type { ResourceTarget } from '../http/router.js';
import { resolveContainer } from '../logs/log-handler.js';
import type { LogStore } from '../logs/log-store.js';
import { allContainers, containerState, nodeName, podPhase } from '../runtime/pod-info.js';
import type { SimConfig } from '../sim-config.js';
import type { ObjectStore } from '../store/object-store.js';
import { parseStored } from '../store/stored-object.js';
import { asString, getPath, type KubeObject } from '../types.js';
import { CHANNEL, decodeFrame, encodeFrame, execProtocolsFor, negotiate, offeredProtocols, traitsOf } from './channel-protocol.js';
import { FrameSender } from './frame-sender.js';
import type { PodIdentity } from './fake-fs.js';
import type { ExecIO, InputSource, ShellState } from './io.js';
import { isKnownCommand, newShellState, runCommand } from './shell.js';
import { StdinReader } from './stdin.js';
import { TtyInput } from './tty.js';
import type { PodSessions } from '../runtime/pod-sessions.js';
import { isSpdyUpgrade } from '../spdy/handshake.js';
import { serveSpdyExec } from '../spdy/spdy-exec.js';

export interface ExecDeps {
  store(): ObjectStore;
  logs(): LogStore;
  config(): SimConfig;
  /** A pod's container programs beyond the built-ins (opt-in host programs), if any. */
  programs?(pod: PodIdentity): ShellState['programs'] | undefined;
  /** Where a session registers so that deleting its pod ends it (the container killed under it). */
  sessions?(): PodSessions;
}

/** A process SIGKILLed with its container (128 + 9): what the kubelet reports for an exec into a pod that was deleted. */
export const KILLED_EXIT_CODE = 137;

/** The checks kube-apiserver and the kubelet make before upgrading; throws a 400/404 Status. */
export function checkPodForStreaming(pod: KubeObject, container: string): void {
  const name = pod.metadata.name ?? '';
  const phase = podPhase(pod);
  if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  if (!nodeName(pod)) throw badRequest(`pod ${name} does not have a host assigned`);
  const state = containerState(pod, container);
  if (state !== 'running') throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
}

export function podIdentity(pod: KubeObject, container: string): PodIdentity {
  const c = allContainers(pod).find((x) => x.name === container);
  return {
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? '',
    uid: pod.metadata.uid ?? '',
    ip: asString(getPath(pod, ['status', 'podIP'])) ?? '',
    node: nodeName(pod),
    container,
    image: c?.image ?? '',
    env: c?.env ?? {},
  };
}

/** Accepts the WebSocket with the negotiated protocol; throws 400 when none matches. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, supported: readonly string[], allowEmpty: boolean): Promise<{ ws: WebSocket; protocol: string }> {
  const offered = offeredProtocols(req.headers['sec-websocket-protocol']);
  const protocol = negotiate(offered, supported, allowEmpty);
  if (protocol === undefined) {
    throw badRequest(`unable to upgrade connection: requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${supported.join(' ')}]`);
  }
  return new Promise((resolve) => {
    const server = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: () => protocol || false });
    server.handleUpgrade(req, socket, head, (ws) => resolve({ ws, protocol }));
  });
}

function status(code: number, argv: string[]): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

function internalError(message: string): Record<string, unknown> {
  return { metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: 'InternalError', details: { causes: [{ message }] }, code: 500 };
}

const EMPTY_INPUT: InputSource = { read: () => Promise.resolve(null) };

export function makeExecUpgrade(deps: ExecDeps, kind: 'exec' | 'attach') {
  return (req: IncomingMessage, socket: Duplex, head: Buffer, target: ResourceTarget, q: URLSearchParams): void => {
    const pod = parseStored(deps.store().require(target.rt, target.namespace ?? '', target.name ?? ''));
    const container = resolveContainer(pod, q.get('container') ?? '');
    const want = { stdin: queryBool(q, 'stdin'), stdout: queryBool(q, 'stdout'), stderr: queryBool(q, 'stderr'), tty: queryBool(q, 'tty') };
    if (!want.stdin && !want.stdout && !want.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
    const argv = q.getAll('command');
    if (kind === 'exec' && argv.length === 0) throw badRequest('you must specify at least one command for the container');
    checkPodForStreaming(pod, container);
    const identity = podIdentity(pod, container);
    if (isSpdyUpgrade(req)) {
      serveSpdyExec(req, socket, head, want, argv, kind, identity, deps);
      return;
    }
    const supported = execProtocolsFor(deps.config().execProtocols);
    void acceptWebSocket(req, socket, head, supported, deps.config().execProtocols !== 'apiserver').then(({ ws, protocol }) => {
      const t = traitsOf(protocol);
      runSession(ws, socket, t, want, argv, kind, identity, deps);
    }).catch(() => socket.destroy());
  };
}

/** The wire a session runs over: WebSocket channels or SPDY streams. */
export interface ExecTransport {
  readonly jsonStatus: boolean;
  /** Bytes for the client's stdout / stderr (already filtered by what was requested). */
  stdout(data: Buffer | string): void;
  stderr(data: Buffer | string): void;
  /** Writes the final status (JSON for v4/v5, text for older protocols) and closes. */
  finish(status: Record<string, unknown>, failed: boolean, text: string): void;
  /** True once the client went away. */
  readonly closed: AbortSignal;
  /** Where stdin bytes and stdin EOF go. */
  bindStdin(raw: StdinReader): void;
  /** Where terminal sizes from the resize channel go (transports that carry them). */
  bindResize?(fn: (size: { cols: number; rows: number }) => void): void;
  /** Resolves once most of the output written so far has been sent (pacing for endless writers). */
  drain?(): Promise<void>;
}

/** The most output a session lets queue for a slow client before a program that waits on drain() waits. */
const DRAIN_BELOW_BYTES = 256 * 1024;

/** A resize message `{"Width":W,"Height":H}` (field names case-insensitive, as Go decodes them), or null. */
export function parseResize(data: Buffer): { cols: number; rows: number } | null {
  if (data.length > 1024) return null;
  let v: unknown;
  try {
    v = JSON.parse(data.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const field = (name: string): unknown => Object.entries(v as Record<string, unknown>).find(([k]) => k.toLowerCase() === name)?.[1];
  const cols = field('width');
  const rows = field('height');
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535;
  return ok(cols) && ok(rows) ? { cols, rows } : null;
}

interface Want {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

function runSession(ws: WebSocket, socket: Duplex, t: ReturnType<typeof traitsOf>, want: Want, argv: string[], kind: 'exec' | 'attach', pod: PodIdentity, deps: ExecDeps): void {
  const sender = new FrameSender(ws);
  const send = (ch: number, data: Buffer | string): void => sender.send(encodeFrame(t.base64, ch, data));
  const lowest = want.stdout ? CHANNEL.stdout : want.stderr && !want.tty ? CHANNEL.stderr : CHANNEL.error;
  send(lowest, Buffer.alloc(0));
  const closed = new AbortController();
  ws.on('close', () => closed.abort());
  ws.on('error', () => closed.abort());
  let onResize: ((size: { cols: number; rows: number }) => void) | undefined;
  const transport: ExecTransport = {
    jsonStatus: t.jsonStatus,
    stdout: (d) => send(CHANNEL.stdout, d),
    stderr: (d) => send(CHANNEL.stderr, d),
    closed: closed.signal,
    bindStdin: (raw) => {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        const f = decodeFrame(t.base64, data, isBinary);
        if (!f) return;
        if (f.channel === CHANNEL.stdin) raw.push(Buffer.from(f.data));
        else if (f.channel === CHANNEL.close && t.closeFrames && f.data[0] === CHANNEL.stdin) raw.end();
        else if (f.channel === CHANNEL.resize && t.resize) {
          const size = parseResize(f.data);
          if (size) onResize?.(size);
        }
      });
      ws.on('close', () => raw.end());
    },
    bindResize: (fn) => {
      onResize = fn;
    },
    drain: () =>
      new Promise<void>((resolve) => {
        if (closed.signal.aborted || sender.queuedBytes < DRAIN_BELOW_BYTES) setImmediate(resolve);
        else sender.afterQueued(resolve);
      }),
    finish: (st, failed, text) => {
      if (ws.readyState !== ws.OPEN) return;
      if (deps.config().execSendCloseFrames && t.closeFrames) {
        send(CHANNEL.close, Buffer.from([CHANNEL.stdout]));
        send(CHANNEL.close, Buffer.from([CHANNEL.stderr]));
      }
      if (t.jsonStatus) send(CHANNEL.error, JSON.stringify(st));
      else if (failed) send(CHANNEL.error, text);
      sender.afterQueued(() => {
        if (ws.readyState !== ws.OPEN) return;
        ws.close(1000);
        // v5 waits for the client's close frame (as kube-apiserver's translator does); v1–v4 end
        // the connection now, as the kubelet's Go WebSocket Conn.Close() does: a client that never
        // answers the close frame is not left waiting for ws's 30 s close timeout.
        if (!t.closeFrames) socket.end();
      });
    },
  };
  runExec(transport, want, argv, kind, pod, deps);
}

/** Runs exec or attach over any transport. */
export function runExec(transport: ExecTransport, want: Want, argv: string[], kind: 'exec' | 'attach', pod: PodIdentity, deps: ExecDeps): void {
  // A terminal's ONLCR, on bytes: a chunk may end inside a UTF-8 character (decoding each chunk made U+FFFD of it).
  const tty = (d: Buffer | string): Buffer | string => (want.tty ? (typeof d === 'string' ? d.replace(/\r?\n/g, '\r\n') : onlcr(d)) : d);
  const raw = new StdinReader();
  const programs = deps.programs?.(pod);
  const sh = newShellState(pod, programs);
  sh.stdinMessages = () => raw.messages;
  let input: InputSource = EMPTY_INPUT;
  if (want.stdin && want.tty) {
    const ttyIn = new TtyInput(raw, (s) => { if (want.stdout) transport.stdout(s); }, () => sh.interrupt?.());
    input = ttyIn;
    // ^C interrupts a program that is not reading the terminal (ISIG), not only one that is.
    const push = raw.push.bind(raw);
    raw.push = (data: Buffer): void => {
      const at = data.lastIndexOf(3);
      if (at >= 0 && ttyIn.interruptIfIdle()) push(data.subarray(at + 1));
      else push(data);
    };
  } else if (want.stdin) input = raw;
  transport.bindStdin(raw);
  transport.bindResize?.((size) => {
    sh.size = size;
  });
  transport.closed.addEventListener('abort', () => raw.end(), { once: true });
  // Aborted when the pod is deleted: the container's processes (this command among them) are killed.
  const killed = new AbortController();
  let done = false;
  const io: ExecIO = {
    tty: want.tty,
    out: (d) => { if (want.stdout && !done) transport.stdout(tty(d)); },
    err: (d) => {
      if (done) return;
      if (want.tty) { if (want.stdout) transport.stdout(tty(d)); }
      else if (want.stderr) transport.stderr(d);
    },
    stdin: input,
    signal: AbortSignal.any([transport.closed, killed.signal]),
    ...(transport.drain && want.stdout ? { drain: () => transport.drain!() } : {}),
  };
  let unregister = (): void => undefined;
  const finish = (st: Record<string, unknown>, failed: boolean, text: string): void => {
    if (done) return;
    done = true;
    unregister();
    transport.finish(st, failed, text);
  };
  if (kind === 'exec' && deps.sessions) {
    unregister = deps.sessions().add(pod.uid, () => {
      killed.abort();
      raw.end();
      finish(status(KILLED_EXIT_CODE, argv), true, `command terminated with non-zero exit code: exit status ${KILLED_EXIT_CODE}`);
    }, pod.container);
    transport.closed.addEventListener('abort', () => unregister(), { once: true });
  }

  if (kind === 'attach') {
    const log = deps.logs().current(pod.uid, pod.container) ?? deps.logs().ensure(pod.uid, pod.container);
    const stop = log.follow((line) => {
      if (line === null) {
        stop();
        finish(status(0, []), false, '');
      } else io.out(`${line.text}\n`);
    });
    transport.closed.addEventListener('abort', () => stop(), { once: true });
    return;
  }

  const cmd = argv[0] ?? '';
  if (!isKnownCommand(cmd, programs)) {
    const msg = `error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd}": executable file not found in $PATH: unknown`;
    finish(internalError(msg), true, msg);
    return;
  }
  runCommand(argv, io, sh).then(
    (code) => finish(status(code, argv), code !== 0, `command terminated with non-zero exit code: exit status ${code}`),
    (err: unknown) => {
      const msg = err instanceof Error ? err.message : String(err);
      finish(internalError(msg), true, msg);
    },
  );
}

/** `\n` as `\r\n` (where not already), byte by byte: a newline byte is never inside a UTF-8 character. */
function onlcr(b: Buffer): Buffer {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 10 && (i === 0 || b[i - 1] !== 13)) n++;
  if (n === 0) return b;
  const out = Buffer.allocUnsafe(b.length + n);
  let j = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 10 && (i === 0 || b[i - 1] !== 13)) out[j++] = 13;
    out[j++] = b[i]!;
  }
  return out;
}
