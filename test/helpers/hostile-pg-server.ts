import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A PostgreSQL server that is not one: a net.Server speaking just enough of the wire protocol
 * (startup, trust authentication, the simple and extended query flows the pg driver and pg-cursor
 * use) for the query pane to connect, and then answering each statement the way a test scripts it —
 * well-formed results, or bytes no real server would send. Plain TCP on loopback (kube-sim's
 * port-forward is pointed at it with setPortTarget); no SSL (the pane never asks for it).
 */

/** One backend message: its type byte and body, framed with the length. */
export function msg(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

export const int16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
export const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
export const cstr = (s: string | Buffer): Buffer => Buffer.concat([typeof s === 'string' ? Buffer.from(s, 'utf8') : s, Buffer.from([0])]);

/** A RowDescription of text columns (type OID 25 unless given). */
export function rowDescription(columns: Array<string | { name: string | Buffer; oid: number }>): Buffer {
  const fields = columns.map((c) => {
    const { name, oid } = typeof c === 'string' ? { name: c, oid: 25 } : c;
    return Buffer.concat([cstr(name), int32(0), int16(0), int32(oid), int16(-1), int32(-1), int16(0)]);
  });
  return msg('T', int16(columns.length), ...fields);
}

/** A DataRow of text values (null is SQL NULL). */
export function dataRow(values: Array<string | Buffer | null>): Buffer {
  const parts: Buffer[] = [int16(values.length)];
  for (const v of values) {
    if (v === null) parts.push(int32(-1));
    else {
      const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
      parts.push(int32(b.length), b);
    }
  }
  return msg('D', ...parts);
}

export const commandComplete = (tag: string): Buffer => msg('C', cstr(tag));
export const readyForQuery = (status = 'I'): Buffer => msg('Z', Buffer.from(status, 'latin1'));
/** An ErrorResponse (`E`) or NoticeResponse (`N`) with these fields (S, C, M…), terminated. */
export function errorFields(type: 'E' | 'N', fields: Record<string, string>): Buffer {
  return msg(type, ...Object.entries(fields).map(([k, v]) => Buffer.concat([Buffer.from(k, 'latin1'), cstr(v)])), Buffer.from([0]));
}

/** What the test's script is handed for one statement. */
export interface Statement {
  sql: string;
  /**
   * `simple` (a Query message: the answer ends with ReadyForQuery) or `extended` (a cursor: called at
   * its Describe, which waits for a RowDescription; the rows go in `onExecute`).
   */
  proto: 'simple' | 'extended';
  socket: Socket;
  /** A normal answer: the columns, the rows and the command tag (in the order each protocol wants). */
  result(columns: string[], rows: Array<Array<string | null>>, tag?: string): void;
  /** `extended`: what to send at the portal's Execute (`maxRows` asked, 0 for all). */
  onExecute?: (maxRows: number) => void;
}

export interface HostileScript {
  /** Replaces the startup answer (AuthenticationOk, ParameterStatus, BackendKeyData, ReadyForQuery). */
  startup?(socket: Socket): void;
  /**
   * A statement the pane ran (not the pane's own: version(), the completion schema, pg_type, SET):
   * write raw bytes to `s.socket`, or `s.result(…)`. Return false to get the default answer (`ok` 1).
   */
  statement?(s: Statement): boolean | void;
  /** The pane's own statements (version(), the schema, pg_type, SET): true when the script answered. */
  own?(s: Statement): boolean;
}

export interface HostilePg {
  port: number;
  /** Statements the pane ran, in order (its own included). */
  seen: string[];
  /** Connections open now. */
  sockets: Set<Socket>;
  /** CancelRequests received. */
  cancels: number;
  script: HostileScript;
  stop(): Promise<void>;
}

const OWN = /^(SELECT version\(\)|SELECT table_schema, table_name|SELECT oid::int4 AS oid, typname|SET SESSION CHARACTERISTICS|RESET default_transaction_read_only)/;

/** Starts the server on 127.0.0.1; `script` may be replaced between tests (`server.script = …`). */
export async function startHostilePg(script: HostileScript = {}): Promise<HostilePg> {
  const sockets = new Set<Socket>();
  const state: HostilePg = {
    port: 0,
    seen: [],
    sockets,
    cancels: 0,
    script,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    serve(socket, state);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

export function defaultStartup(socket: Socket): void {
  socket.write(
    Buffer.concat([
      msg('R', int32(0)),
      msg('S', cstr('server_version'), cstr('16.4')),
      msg('S', cstr('client_encoding'), cstr('UTF8')),
      msg('K', int32(4242), int32(777)),
      readyForQuery(),
    ]),
  );
}

function serve(socket: Socket, state: HostilePg): void {
  let buf = Buffer.alloc(0);
  let started = false;
  /** The extended flow: the statement parsed, and what its Execute sends. */
  let parsed: string | null = null;
  let execute: ((maxRows: number) => void) | null = null;

  const answer = (sql: string, proto: 'simple' | 'extended'): void => {
    state.seen.push(sql);
    const s: Statement = {
      sql,
      proto,
      socket,
      result(columns, rows, tag = `SELECT ${rows.length}`) {
        const head = columns.length > 0 ? rowDescription(columns) : msg('n');
        const rest = Buffer.concat([...rows.map(dataRow), commandComplete(tag)]);
        if (proto === 'simple') socket.write(Buffer.concat([head, rest, readyForQuery()]));
        else {
          socket.write(head);
          s.onExecute = () => socket.write(rest);
        }
      },
    };
    if (OWN.test(sql)) {
      if (state.script.own?.(s)) {
        // scripted
      } else if (sql.startsWith('SELECT version()')) s.result(['version'], [['PostgreSQL 16.4 (hostile test server)']]);
      else if (sql.startsWith('SELECT table_schema')) s.result(['table_schema', 'table_name', 'column_name', 'data_type'], []);
      else if (sql.startsWith('SELECT oid::int4')) s.result(['oid', 'typname'], []);
      else s.result([], [], 'SET');
    } else if (!state.script.statement || state.script.statement(s) === false) s.result(['ok'], [['1']]);
    if (proto === 'extended') execute = s.onExecute ?? null;
  };

  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (!started) {
        if (buf.length < 8) return;
        const len = buf.readUInt32BE(0);
        if (buf.length < len) return;
        const code = buf.readUInt32BE(4);
        buf = buf.subarray(len);
        if (code === 80877102) {
          state.cancels++;
          socket.end();
          return;
        }
        if (code === 80877103) {
          socket.write('N');
          continue;
        }
        started = true;
        (state.script.startup ?? defaultStartup)(socket);
        continue;
      }
      if (buf.length < 5) return;
      const type = String.fromCharCode(buf[0]!);
      const len = buf.readUInt32BE(1);
      if (buf.length < 1 + len) return;
      const body = buf.subarray(5, 1 + len);
      buf = buf.subarray(1 + len);
      switch (type) {
        case 'Q':
          parsed = null;
          answer(body.toString('utf8', 0, body.length - 1), 'simple');
          break;
        case 'P': {
          // name\0 sql\0 …
          const nameEnd = body.indexOf(0);
          parsed = body.toString('utf8', nameEnd + 1, body.indexOf(0, nameEnd + 1));
          execute = null;
          socket.write(msg('1'));
          break;
        }
        case 'B':
          socket.write(msg('2'));
          break;
        case 'D':
          if (parsed !== null) answer(parsed, 'extended');
          break;
        case 'E': {
          const maxRows = body.readInt32BE(body.indexOf(0) + 1);
          const run = execute;
          // Another Execute of the same portal (m after a PortalSuspended): nothing more unless scripted.
          if (run) run(maxRows);
          else socket.write(commandComplete('SELECT 0'));
          break;
        }
        case 'C':
          socket.write(msg('3'));
          break;
        case 'S':
          socket.write(readyForQuery());
          break;
        case 'X':
          socket.end();
          return;
        default:
          break;
      }
    }
  });
}
