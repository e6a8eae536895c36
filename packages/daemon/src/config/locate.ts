/** One part of a TOML key: bare, "basic" (with escapes) or 'literal'. */
const SEGMENT = `(?:[A-Za-z0-9_-]+|"(?:[^"\\\\]|\\\\.)*"|'[^']*')`;
/** A dotted key: `a.b`, `views."certificates.cert-manager.io"`. */
const DOTTED = `${SEGMENT}(?:\\s*\\.\\s*${SEGMENT})*`;

const ARRAY_HEADER = new RegExp(`^\\s*\\[\\[\\s*(${DOTTED})\\s*\\]\\]`);
const TABLE_HEADER = new RegExp(`^\\s*\\[\\s*(${DOTTED})\\s*\\]`);
const KEY_VALUE = new RegExp(`^\\s*(${DOTTED})\\s*=`);

/** The parts of a dotted key, quotes taken off (a quoted part may hold dots). */
function keySegments(key: string): string[] {
  return [...key.matchAll(new RegExp(SEGMENT, 'g'))].map(([seg]) => {
    if (seg.startsWith("'")) return seg.slice(1, -1);
    if (!seg.startsWith('"')) return seg;
    try {
      return JSON.parse(seg) as string;
    } catch {
      return seg.slice(1, -1);
    }
  });
}

/** A key path as the user writes it: a part that is not a bare key is quoted (`views."a.b".wide`). */
export function keyPath(path: ReadonlyArray<string | number>): string {
  return path.map((p) => (typeof p === 'number' || /^[A-Za-z0-9_-]+$/.test(p) ? String(p) : JSON.stringify(p))).join('.');
}

/**
 * Finds the 1-based line where a key path (`keybindings.navigation.scroll_down`, `plugins.1.key`)
 * is written in TOML source, so errors can name file, line and key. Returns undefined when the
 * key is not written (e.g. a missing required key: then the table's header line is returned).
 */
export function locateKey(source: string, path: ReadonlyArray<string | number>): number | undefined {
  const want = path.map(String);
  const counts = new Map<string, number>();
  let table: string[] = [];
  let best: { line: number; depth: number } | undefined;
  const lines = source.split(/\r?\n/);
  const consider = (full: string[], line: number): void => {
    let depth = 0;
    while (depth < full.length && depth < want.length && full[depth] === want[depth]) depth++;
    // `full` leads to the key, or is written under it (`max_lines.x = 5` when logs.max_lines must be a
    // number: that line, not the [logs] header above it).
    if ((depth === full.length || depth === want.length) && (!best || depth > best.depth)) best = { line, depth };
  };
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const arr = ARRAY_HEADER.exec(text);
    const tab = arr ? null : TABLE_HEADER.exec(text);
    if (arr) {
      const name = keySegments(arr[1]!);
      const id = JSON.stringify(name);
      const n = counts.get(id) ?? 0;
      counts.set(id, n + 1);
      table = [...name, String(n)];
      consider(table, i + 1);
      continue;
    }
    if (tab) {
      table = keySegments(tab[1]!);
      consider(table, i + 1);
      continue;
    }
    const kv = KEY_VALUE.exec(text);
    if (kv) consider([...table, ...keySegments(kv[1]!)], i + 1);
  }
  return best?.line;
}
