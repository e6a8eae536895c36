import { grouped } from '../util/grouped.js';

/**
 * Checks, as its bytes stream by, that a backend message is what the pg driver's parser
 * (pg-protocol) can read without running off its end — and says, in words, what is wrong with one
 * that is not. The parser trusts every count and length a server sends: a DataRow or RowDescription
 * that says more than it holds makes it throw inside the socket's data handler (an uncaught
 * exception; the query waits forever on a connection nothing can use again), and an ErrorResponse
 * or NoticeResponse without its closing NUL at the end of what has arrived makes it loop forever
 * (the daemon stops answering). Copy responses and authentication requests the driver cannot take
 * are refused here too, named. Nothing is held: only counts and the few header bytes of each field.
 */

/** What the check needs next: an integer, `n` bytes skipped, bytes up to a NUL, or one byte. */
type Op = { kind: 'int16' | 'int32' | 'byte' } | { kind: 'skip'; n: number } | { kind: 'cstr' };
/** Yields what it needs; gets back the integer (or byte) read; returns a problem, or nothing when the message is fine. */
type Walk = Generator<Op, string | undefined, number>;

const NAMES: Record<string, string> = {
  R: 'an authentication request',
  S: 'a ParameterStatus',
  K: 'a BackendKeyData',
  Z: 'a ReadyForQuery',
  T: 'a RowDescription',
  D: 'a DataRow',
  C: 'a CommandComplete',
  E: 'an ErrorResponse',
  N: 'a NoticeResponse',
  A: 'a NotificationResponse',
  t: 'a ParameterDescription',
};

/** Authentication methods by their AuthenticationRequest code: the ones the driver does not implement. */
const UNSUPPORTED_AUTH: Record<number, string> = {
  2: 'Kerberos V5',
  6: 'SCM credential',
  7: 'GSSAPI',
  8: 'GSSAPI (continued)',
  9: 'SSPI',
};
/** Codes the driver reads: ok, cleartext, MD5, SASL (SCRAM) and its continue and final steps. */
const SUPPORTED_AUTH = new Set([0, 3, 5, 10, 11, 12]);

const COPY: Record<string, string> = { G: 'CopyInResponse', H: 'CopyOutResponse', W: 'CopyBothResponse' };

function* dataRow(): Walk {
  const n = yield { kind: 'int16' };
  if (n < 0) return `a DataRow that says it has ${n} values`;
  for (let i = 1; i <= n; i++) {
    const len = yield { kind: 'int32' };
    if (len < -1) return `a DataRow whose value ${i} of ${n} has the length ${len}`;
    if (len > 0) yield { kind: 'skip', n: len };
  }
  return undefined;
}

function* rowDescription(): Walk {
  const n = yield { kind: 'int16' };
  if (n < 0) return `a RowDescription that says it has ${n} columns`;
  for (let i = 0; i < n; i++) {
    yield { kind: 'cstr' };
    // table OID, column number, type OID, type size, type modifier, format
    yield { kind: 'skip', n: 18 };
  }
  return undefined;
}

function* fields(): Walk {
  for (;;) {
    const type = yield { kind: 'byte' };
    if (type === 0) return undefined;
    yield { kind: 'cstr' };
  }
}

function* auth(): Walk {
  const code = yield { kind: 'int32' };
  if (SUPPORTED_AUTH.has(code)) return undefined;
  const name = UNSUPPORTED_AUTH[code];
  return name
    ? `the server asks for ${name} authentication (AuthenticationRequest ${code}), which kubetile's PostgreSQL driver does not support: give this user password (scram-sha-256 or md5) or trust authentication in pg_hba.conf`
    : `the server asks for an unknown kind of authentication (AuthenticationRequest ${code})`;
}

function* cstrings(n: number, skipFirst = 0): Walk {
  if (skipFirst > 0) yield { kind: 'skip', n: skipFirst };
  for (let i = 0; i < n; i++) yield { kind: 'cstr' };
  return undefined;
}

function* fixed(n: number): Walk {
  yield { kind: 'skip', n };
  return undefined;
}

function* countedInts(size: 2 | 4, before: number): Walk {
  if (before > 0) yield { kind: 'skip', n: before };
  const n = yield { kind: 'int16' };
  if (n < 0) return `a count of ${n}`;
  if (n > 0) yield { kind: 'skip', n: n * size };
  return undefined;
}

function walkFor(type: string): Walk | null {
  switch (type) {
    case 'D':
      return dataRow();
    case 'T':
      return rowDescription();
    case 'E':
    case 'N':
      return fields();
    case 'R':
      return auth();
    case 'S':
      return cstrings(2);
    case 'C':
      return cstrings(1);
    case 'A':
      return cstrings(2, 4);
    case 'K':
      return fixed(8);
    case 'Z':
      return fixed(1);
    case 't':
      return countedInts(4, 0);
    default:
      return null;
  }
}

/**
 * One message's check, fed its body in pieces. `problem` is set (and no more is looked at) once the
 * message is known to be wrong: a count or length it cannot hold, or its end inside a field; `kind`
 * says which sort: malformed, an authentication request the driver cannot answer, a COPY response.
 */
export class MessageShape {
  problem: string | null = null;
  kind: 'malformed' | 'auth' | 'copy' = 'malformed';
  private readonly walk: Walk | null;
  private op: Op | null = null;
  /** Bytes of the body not yet seen. */
  private left: number;
  private readonly int = Buffer.alloc(4);
  private have = 0;
  private skip = 0;

  constructor(
    readonly type: string,
    readonly body: number,
  ) {
    this.left = body;
    const copy = COPY[type];
    if (copy) {
      this.walk = null;
      this.kind = 'copy';
      this.problem = `a ${copy}`;
      return;
    }
    this.walk = walkFor(type);
    if (this.walk) this.next(0);
  }

  /** The walk's next step, given the value just read; false when it is over (done or a problem). */
  private next(value: number): boolean {
    const r = this.walk!.next(value);
    if (r.done) {
      this.op = null;
      if (r.value !== undefined) {
        this.kind = this.type === 'R' ? 'auth' : 'malformed';
        this.problem = this.type === 'R' || this.type === 'D' || this.type === 'T' ? r.value : `${NAMES[this.type] ?? 'a message'} with ${r.value}`;
      }
      return false;
    }
    this.op = r.value;
    this.have = 0;
    if (r.value.kind === 'skip') {
      if (r.value.n > this.left) {
        this.fail(`says ${grouped(r.value.n)} bytes follow where ${grouped(this.left)} do`);
        return false;
      }
      this.skip = r.value.n;
      if (this.skip === 0) return this.next(0);
    }
    return true;
  }

  private fail(what: string): void {
    this.op = null;
    this.problem = `${NAMES[this.type] ?? `a ${JSON.stringify(this.type)} message`} that ${what} (a message of ${grouped(this.body)} bytes)`;
  }

  /** Bytes `from`…`to` of `chunk`, all of this message's body. */
  feed(chunk: Buffer, from: number, to: number): void {
    let i = from;
    while (i < to && this.op && this.problem === null) {
      const op = this.op;
      const at = i;
      if (op.kind === 'skip') {
        const n = Math.min(this.skip, to - i);
        this.skip -= n;
        i += n;
        this.left -= n;
        if (this.skip === 0) this.next(0);
        continue;
      }
      if (op.kind === 'cstr') {
        const nul = chunk.indexOf(0, i);
        i = nul < 0 || nul >= to ? to : nul + 1;
        this.left -= i - at;
        if (chunk[i - 1] === 0 && i - 1 >= at) this.next(0);
        continue;
      }
      const size = op.kind === 'int16' ? 2 : op.kind === 'int32' ? 4 : 1;
      const n = Math.min(size - this.have, to - i);
      chunk.copy(this.int, this.have, i, i + n);
      this.have += n;
      i += n;
      this.left -= n;
      if (this.have === size) this.next(size === 2 ? this.int.readInt16BE(0) : size === 4 ? this.int.readInt32BE(0) : this.int[0]!);
    }
  }

  /** The body is over: a field still open means the parser would read past the message. */
  end(): void {
    if (this.problem === null && this.op) this.fail(this.op.kind === 'cstr' ? 'ends inside a string (no closing NUL)' : 'is cut short');
  }
}
