import { stringWidth, type TermRun } from '@kubetile/rpc-schema';
import type { DiscoveredCredentials } from '../../query/credentials.js';

export const FIELDS = ['database', 'user', 'password', 'port'] as const;
export type Field = (typeof FIELDS)[number];
const LABELS: Record<Field, string> = { database: 'Database', user: 'User', password: 'Password', port: 'Port' };
const MAX_FIELD = 256;

/**
 * KubeTile's "Connect to PostgreSQL" dialog, inside the pane: Database / User / Password (masked) /
 * Port, prefilled from the container's environment with where each value came from.
 */
export class ConnectForm {
  values: Record<Field, string> = { database: '', user: '', password: '', port: '5432' };
  sources: Partial<Record<Field, string>> = {};
  field = 0;
  problems: string[] = [];
  error: string | null = null;

  fill(d: DiscoveredCredentials, given: { database?: string; user?: string; port?: number }): void {
    this.values = { database: given.database ?? d.database, user: given.user ?? d.user, password: d.password, port: String(given.port ?? d.port) };
    this.sources = { ...d.sources };
    if (given.database !== undefined) this.sources.database = 'pane args';
    if (given.user !== undefined) this.sources.user = 'pane args';
    if (given.port !== undefined) this.sources.port = 'pane args';
    if (d.password === '') this.sources.password = 'none found: type it';
    this.problems = d.problems.slice(0, 5);
    this.field = d.password === '' ? 2 : 0;
  }

  get current(): Field {
    return FIELDS[this.field]!;
  }

  next(step: number): void {
    this.field = (this.field + step + FIELDS.length) % FIELDS.length;
  }

  type(text: string): void {
    const f = this.current;
    const clean = text.replace(/[\u0000-\u001f\u007f]/g, '');
    if (f === 'port' && !/^\d*$/.test(clean)) return;
    this.values[f] = (this.values[f] + clean).slice(0, MAX_FIELD);
    this.edited(f);
  }

  backspace(): void {
    const f = this.current;
    this.values[f] = [...this.values[f]].slice(0, -1).join('');
    this.edited(f);
  }

  clear(): void {
    this.values[this.current] = '';
    this.edited(this.current);
  }

  /** A value the user changed no longer came from the secret, env or default its label named. */
  private edited(f: Field): void {
    this.sources[f] = 'typed';
  }

  /** The values checked, or what is wrong with them. */
  checked(): { database: string; user: string; password: string; port: number } | { error: string } {
    const v = this.values;
    if (v.database.trim() === '') return { error: 'Database is empty' };
    if (v.user.trim() === '') return { error: 'User is empty' };
    const port = Number(v.port);
    if (!/^\d+$/.test(v.port) || port < 1 || port > 65535) return { error: `Port ${JSON.stringify(v.port)} is not 1–65535` };
    return { database: v.database.trim(), user: v.user.trim(), password: v.password, port };
  }

  /** The dialog as screen rows; `cursorAt` gets where the cursor goes. */
  render(title: string, width: number, cursorAt: (row: number, col: number) => void): TermRun[][] {
    const rows: TermRun[][] = [];
    rows.push([{ text: `Connect to PostgreSQL — ${title}`, bold: true }]);
    rows.push([]);
    FIELDS.forEach((f, i) => {
      const label = `${i === this.field ? '›' : ' '} ${LABELS[f].padEnd(9)} `;
      const shown = f === 'password' ? '•'.repeat([...this.values[f]].length) : this.values[f];
      const box = shown.length > width - label.length - 4 ? `…${[...shown].slice(-(width - label.length - 6)).join('')}` : shown;
      const src = this.sources[f] ? `  (${this.sources[f]})` : '';
      rows.push([{ text: label, ...(i === this.field ? { bold: true } : {}) }, { text: box, underline: true }, { text: src, dim: true }]);
      if (i === this.field) cursorAt(rows.length - 1, label.length + stringWidth(box));
    });
    rows.push([]);
    for (const p of this.problems) rows.push([{ text: `! ${p}`, fg: 3 }]);
    if (this.error) for (const l of this.error.split('\n').slice(0, 6)) rows.push([{ text: l, fg: 1 }]);
    rows.push([{ text: 'enter connects · tab/↑↓ next field · ctrl+u clears the field · esc closes', dim: true }]);
    return rows;
  }
}
