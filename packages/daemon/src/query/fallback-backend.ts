import { KubeApiError } from '../kube/api-error.js';
import type { QueryBackend, RunOptions, SchemaColumn } from './backend.js';
import type { ResultSet } from './result-set.js';

/** Whether an error says the API server forbids port-forwarding (RBAC 403 on pods/portforward). */
export function portForwardForbidden(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 403;
}

/**
 * The pg driver first; when the API server forbids the port-forward (403), `psql --csv` over exec
 * in the pod instead (which may be allowed where port-forward is not). Other failures (a wrong
 * password, no server on the port) are the pane's to show.
 */
export class FallbackBackend implements QueryBackend {
  private active: QueryBackend;
  private closed = false;

  constructor(
    primary: QueryBackend,
    private readonly fallback: () => QueryBackend,
  ) {
    this.active = primary;
  }

  get kind(): 'pg' | 'psql' {
    return this.active.kind;
  }

  get connected(): boolean {
    return this.active.connected;
  }

  get readOnly(): boolean {
    return this.active.readOnly;
  }

  async connect(): Promise<string> {
    try {
      return await this.active.connect();
    } catch (err) {
      // Closed meanwhile (ctrl+c while connecting): no psql is started for nobody.
      if (this.closed || this.active.kind !== 'pg' || !portForwardForbidden(err)) throw err;
      this.active.close();
      this.active = this.fallback();
      return this.active.connect();
    }
  }

  run(sql: string, opts: RunOptions): Promise<ResultSet> {
    return this.active.run(sql, opts);
  }

  more(result: ResultSet, n: number, maxBytes: number): Promise<void> {
    return this.active.more(result, n, maxBytes);
  }

  cancel(): Promise<string> {
    return this.active.cancel();
  }

  schema(): Promise<SchemaColumn[]> {
    return this.active.schema();
  }

  close(): void {
    this.closed = true;
    this.active.close();
  }
}
