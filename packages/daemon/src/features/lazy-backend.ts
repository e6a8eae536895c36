import type { QueryBackend, RunOptions, SchemaColumn } from '../query/backend.js';
import type { ResultSet } from '../query/result-set.js';

/**
 * A query backend whose implementation is loaded on first use: the pg driver (pg, pg-cursor and
 * their modules, ~4.5 MiB of an idle daemon's RSS and ~190 ms of its start) is imported when a query
 * pane first connects, not when the daemon starts.
 */
export class LazyBackend implements QueryBackend {
  private real: QueryBackend | null = null;
  private loading: Promise<QueryBackend> | null = null;
  private closed = false;

  constructor(
    readonly kind: 'pg' | 'psql',
    private readonly load: () => Promise<QueryBackend>,
  ) {}

  get connected(): boolean {
    return this.real?.connected ?? false;
  }

  get readOnly(): boolean {
    return this.real?.readOnly ?? false;
  }

  private backend(): Promise<QueryBackend> {
    return (this.loading ??= this.load().then((b) => {
      this.real = b;
      if (this.closed) b.close();
      return b;
    }));
  }

  async connect(): Promise<string> {
    return (await this.backend()).connect();
  }

  async run(sql: string, opts: RunOptions): Promise<ResultSet> {
    return (await this.backend()).run(sql, opts);
  }

  async more(result: ResultSet, n: number, maxBytes: number): Promise<void> {
    return (await this.backend()).more(result, n, maxBytes);
  }

  async cancel(): Promise<string> {
    return this.real ? this.real.cancel() : 'not connected: nothing to cancel';
  }

  async schema(): Promise<SchemaColumn[]> {
    return (await this.backend()).schema();
  }

  close(): void {
    this.closed = true;
    this.real?.close();
  }
}
