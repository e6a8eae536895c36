/** A bounded record of requests, so tests can assert what a client sent (checklist J4). */

export interface JournalEntry {
  seq: number;
  time: number;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  /** Offered WebSocket/SPDY subprotocols, for upgrades. */
  protocols?: string[];
  /** Response status code (0 while streaming or for upgrades). */
  status: number;
}

const KEPT_HEADERS = ['accept', 'content-type', 'user-agent', 'sec-websocket-protocol', 'upgrade', 'x-stream-protocol-version', 'accept-encoding'];

export class Journal {
  private entries: JournalEntry[] = [];
  private seq = 0;

  constructor(public capacity = 2_000) {}

  record(method: string, url: URL, headers: Record<string, string | string[] | undefined>): JournalEntry {
    const query: Record<string, string | string[]> = {};
    for (const k of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(k);
      query[k] = all.length === 1 ? (all[0] as string) : all;
    }
    const kept: Record<string, string> = {};
    for (const h of KEPT_HEADERS) {
      const v = headers[h];
      if (v !== undefined) kept[h] = Array.isArray(v) ? v.join(', ') : v;
    }
    if (headers['authorization']) kept['authorization'] = String(headers['authorization']).split(' ')[0] ?? '';
    const entry: JournalEntry = { seq: ++this.seq, time: Date.now(), method, path: url.pathname, query, headers: kept, status: 0 };
    const proto = kept['sec-websocket-protocol'] ?? kept['x-stream-protocol-version'];
    if (proto) entry.protocols = proto.split(',').map((p) => p.trim()).filter((p) => p);
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return entry;
  }

  list(filter?: { path?: string; method?: string; sinceSeq?: number }): JournalEntry[] {
    return this.entries.filter((e) =>
      (!filter?.path || e.path.includes(filter.path)) &&
      (!filter?.method || e.method === filter.method) &&
      (filter?.sinceSeq === undefined || e.seq > filter.sinceSeq));
  }

  get lastSeq(): number {
    return this.seq;
  }

  clear(): void {
    this.entries = [];
  }
}
