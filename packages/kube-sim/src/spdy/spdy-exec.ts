/**
 * exec and attach over SPDY/3.1 (kubectl before 1.30, and Debian's 1.20): the client opens one
 * stream per channel (error, stdin, stdout, stderr, resize), then the session runs as over
 * WebSocket. Status goes on the error stream (JSON for v4, text on failure for older versions).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { runExec, type ExecDeps, type ExecTransport } from '../exec/exec-handler.js';
import type { PodIdentity } from '../exec/fake-fs.js';
import { acceptSpdy, negotiateSpdy } from './handshake.js';
import { SpdySession, type SpdyStream } from './session.js';

export const SPDY_EXEC_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'] as const;

const STREAM_WAIT_MS = 30_000;

export function serveSpdyExec(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  want: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean },
  argv: string[],
  kind: 'exec' | 'attach',
  pod: PodIdentity,
  deps: ExecDeps,
): void {
  const protocol = negotiateSpdy(req, SPDY_EXEC_PROTOCOLS);
  acceptSpdy(socket, protocol);
  const v4 = protocol === 'v4.channel.k8s.io';
  const resizeCapable = v4 || protocol === 'v3.channel.k8s.io';
  const session = new SpdySession(socket, head);
  const streams = new Map<string, SpdyStream>();
  const needed = ['error'];
  if (want.stdin) needed.push('stdin');
  if (want.stdout) needed.push('stdout');
  if (want.stderr && !want.tty) needed.push('stderr');
  if (want.tty && resizeCapable) needed.push('resize');
  const closed = new AbortController();
  session.on('close', () => closed.abort());
  const timer = setTimeout(() => session.close(), STREAM_WAIT_MS);
  let started = false;
  session.on('stream', (s: SpdyStream) => {
    const type = s.header('streamtype') ?? '';
    streams.set(type, s);
    if (type === 'resize') s.on('data', () => undefined);
    if (started || !needed.every((n) => streams.has(n))) return;
    started = true;
    clearTimeout(timer);
    const transport: ExecTransport = {
      jsonStatus: v4,
      stdout: (d) => streams.get('stdout')?.write(d),
      stderr: (d) => streams.get('stderr')?.write(d),
      closed: closed.signal,
      bindStdin: (raw) => {
        const stdin = streams.get('stdin');
        if (!stdin) return;
        stdin.on('data', (d: Buffer) => raw.push(d));
        stdin.on('end', () => raw.end());
        stdin.on('reset', () => raw.end());
      },
      finish: (st, failed, text) => {
        streams.get('stdout')?.end();
        streams.get('stderr')?.end();
        const err = streams.get('error');
        if (err) {
          if (v4) err.write(JSON.stringify(st));
          else if (failed) err.write(text);
          err.end();
        }
        session.close();
      },
    };
    runExec(transport, want, argv, kind, pod, deps);
  });
}
