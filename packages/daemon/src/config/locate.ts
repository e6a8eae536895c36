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
    if (depth === full.length && (!best || depth > best.depth)) best = { line, depth };
  };
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const arr = /^\s*\[\[\s*([^\]]+?)\s*\]\]/.exec(text);
    const tab = arr ? null : /^\s*\[\s*([^\]]+?)\s*\]/.exec(text);
    if (arr) {
      const name = arr[1]!.split('.').map((s) => s.trim().replace(/^"|"$/g, '')).join('.');
      const n = counts.get(name) ?? 0;
      counts.set(name, n + 1);
      table = [...name.split('.'), String(n)];
      consider(table, i + 1);
      continue;
    }
    if (tab) {
      table = tab[1]!.split('.').map((s) => s.trim().replace(/^"|"$/g, ''));
      consider(table, i + 1);
      continue;
    }
    const kv = /^\s*("?)([A-Za-z0-9_.-]+)\1\s*=/.exec(text);
    if (kv) consider([...table, ...kv[2]!.split('.')], i + 1);
  }
  return best?.line;
}
