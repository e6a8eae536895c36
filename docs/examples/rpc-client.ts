// A script on kubetile's raw socket, with node alone (no packages): says hello, prints the daemon's
// status, attaches to a session, prints the first view of each visible pane, and leaves.
// Run: npx tsx rpc-client.ts   (or compile it with tsc; KUBETILE_SOCKET picks another socket)
import { connect } from 'node:net';
import { userInfo, tmpdir } from 'node:os';
import { join } from 'node:path';

const socketPath =
  process.env.KUBETILE_SOCKET ??
  (process.env.XDG_RUNTIME_DIR ? join(process.env.XDG_RUNTIME_DIR, 'kubetile', 'kubetile.sock') : join(tmpdir(), `kubetile-${userInfo().uid}`, 'kubetile.sock'));

type Message = { id?: number; method?: string; params?: any; result?: any; error?: { code: number; message: string } };

const sock = connect(socketPath);
const pending = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
const onNotification: Array<(m: Message) => void> = [];
let nextId = 1;
let buf = Buffer.alloc(0);

// Framing: "Content-Length: N\r\n\r\n" then N bytes of UTF-8 JSON, both ways.
sock.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  for (;;) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buf.subarray(0, end).toString('ascii'))?.[1]);
    if (buf.length < end + 4 + length) return;
    const msg = JSON.parse(buf.subarray(end + 4, end + 4 + length).toString('utf8')) as Message;
    buf = buf.subarray(end + 4 + length);
    if (msg.id !== undefined && !msg.method) {
      const p = pending.get(msg.id)!;
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`error ${msg.error.code}: ${msg.error.message}`));
      else p.resolve(msg.result);
    } else onNotification.forEach((h) => h(msg));
  }
});

function call(method: string, params: object = {}): Promise<any> {
  const id = nextId++;
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, method, params }), 'utf8');
  sock.write(`Content-Length: ${body.length}\r\n\r\n`);
  sock.write(body);
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}

sock.on('error', (e) => {
  console.error(`cannot talk to the daemon on ${socketPath}: ${e.message}`);
  process.exit(1);
});
sock.on('connect', async () => {
  try {
    const hello = await call('daemon/hello', { client: { name: 'example-ts', version: '1.0.0' }, apiLevel: 1 });
    console.log(`daemon ${hello.server.version} (pid ${hello.server.pid}), API level ${hello.apiLevel}`);
    const status = await call('daemon/status');
    console.log(`sessions ${status.sessions}, panes ${status.panes}, port-forwards ${status.portForwards}`);
    // Views, layouts and toasts come only to a connection attached to a session.
    // The first views may arrive before the attach answer: they are printed after it.
    const seen = new Set<number>();
    let attached = false;
    const early: string[] = [];
    onNotification.push((m) => {
      if (m.method === 'pane/view' && !seen.has(m.params.paneId)) {
        seen.add(m.params.paneId);
        const line = `pane ${m.params.paneId}: ${m.params.view.title} (${m.params.view.type})`;
        if (attached) console.log(line);
        else early.push(line);
      }
    });
    const { layout } = await call('session/attach', { session: 'main', size: { cols: 100, rows: 30 } });
    console.log(`attached to '${layout.session}' with ${layout.tabs.length} tab(s)`);
    attached = true;
    for (const line of early) console.log(line);
    await new Promise((r) => setTimeout(r, 500));
    await call('session/detach');
    sock.end();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
});
