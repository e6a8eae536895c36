import { renameSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logging/logger.js';
import { errorMessage } from '../util/errors.js';
import { readRegularFileSync } from '../util/regular-file.js';
import { isPermission } from './abi.js';

/** The file under the daemon's state directory ($XDG_STATE_HOME/kubetile). */
export const GRANTS_FILE = 'plugin-grants.json';
const MAX_FILE_BYTES = 1024 * 1024;
/** Records kept per plugin key (the newest). */
const MAX_RECORDS = 32;

export type GrantVia = 'config' | 'dialog' | 'rpc' | 'earlier';

const RecordSchema = z.object({
  /** The module consented to (null: granted over RPC before any module was loaded). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  permissions: z.array(z.string().refine((p) => isPermission(p), 'unknown permission')).max(64),
  at: z.string().max(64),
  via: z.enum(['config', 'dialog', 'rpc', 'earlier']),
});
export interface GrantRecord {
  sha256: string | null;
  permissions: string[];
  at: string;
  via: GrantVia;
}

const FileSchema = z.object({ version: z.literal(1), plugins: z.record(z.string().max(64), z.array(RecordSchema).max(MAX_RECORDS)) });

/**
 * Consent given to plugins, by key: each record names the module (sha256) and the permission set
 * consented to. A key's grant is every permission of its records; what a new build asks for
 * beyond that needs consent again. Persisted (atomically, mode 0600) when a state dir is given.
 */
export class GrantStore {
  private readonly plugins = new Map<string, GrantRecord[]>();
  private writing: Promise<void> = Promise.resolve();
  private readonly file: string | null;

  constructor(
    stateDir: string | null,
    private readonly logger: Logger,
  ) {
    this.file = stateDir ? join(stateDir, GRANTS_FILE) : null;
    if (this.file) this.load(this.file);
  }

  private load(file: string): void {
    const r = readRegularFileSync(file, MAX_FILE_BYTES);
    if (r.kind === 'missing') return; // none yet
    if (r.kind === 'refused') return this.aside(file, r.tooBig !== undefined ? 'too big' : r.message);
    const text = r.bytes.toString('utf8');
    let parsed;
    try {
      parsed = FileSchema.safeParse(JSON.parse(text));
    } catch (err) {
      return this.aside(file, `not JSON (${errorMessage(err)})`);
    }
    if (!parsed.success) return this.aside(file, `not a grants file (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    for (const [key, records] of Object.entries(parsed.data.plugins)) this.plugins.set(key, records);
  }

  /** A file we cannot read is moved aside (never misread): every plugin asks again. */
  private aside(file: string, why: string): void {
    const to = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(file, to);
    } catch {
      /* left where it is; it is rewritten at the next grant */
    }
    this.logger.warn({ file, movedTo: to, why }, 'plugin grants file unreadable; plugins will ask for consent again');
  }

  /** Every permission consented to for `key`. */
  granted(key: string): Set<string> {
    return new Set((this.plugins.get(key) ?? []).flatMap((r) => r.permissions));
  }

  /** The newest record of `key` (what plugin/list shows). */
  latest(key: string): GrantRecord | null {
    const rs = this.plugins.get(key);
    return rs && rs.length > 0 ? rs[rs.length - 1]! : null;
  }

  /** Whether this exact module was recorded with (at least) these permissions. */
  covers(key: string, sha256: string, permissions: readonly string[]): boolean {
    return (this.plugins.get(key) ?? []).some((r) => r.sha256 === sha256 && permissions.every((p) => r.permissions.includes(p)));
  }

  /** Records consent and saves it; resolves once written (a failed write is logged, the grant still holds). */
  record(key: string, sha256: string | null, permissions: readonly string[], via: GrantVia): Promise<void> {
    const rs = [...(this.plugins.get(key) ?? []), { sha256, permissions: [...new Set(permissions)].sort(), at: new Date().toISOString(), via }];
    this.plugins.set(key, rs.slice(-MAX_RECORDS));
    return this.save();
  }

  private save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const body = `${JSON.stringify({ version: 1, plugins: Object.fromEntries(this.plugins) }, null, 1)}\n`;
    this.writing = this.writing.then(async () => {
      const tmp = `${file}.tmp-${process.pid}`;
      try {
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        await writeFile(tmp, body, { mode: 0o600, flush: true });
        await rename(tmp, file);
      } catch (err) {
        await unlink(tmp).catch(() => undefined);
        this.logger.error({ file, err: errorMessage(err) }, 'could not save plugin grants');
      }
    });
    return this.writing;
  }
}
