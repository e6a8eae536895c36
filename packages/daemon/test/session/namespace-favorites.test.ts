import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_FAVORITES, NamespaceFavorites } from '../../src/session/namespace-favorites.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'kt-favs-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('favorite namespaces (k9s)', () => {
  it('a new namespace goes first, one already there keeps its number, the tenth drops off; per context', () => {
    const f = new NamespaceFavorites(null, () => undefined);
    f.add('prod', 'shop');
    f.add('prod', 'payments');
    f.add('prod', 'shop');
    expect(f.list('prod')).toEqual(['payments', 'shop']);
    expect(f.list('dev')).toEqual([]);
    expect(f.list(null)).toEqual([]);
    for (let i = 0; i < 12; i++) f.add('prod', `ns-${i}`);
    expect(f.list('prod')).toHaveLength(MAX_FAVORITES);
    expect(f.list('prod')[0]).toBe('ns-11');
    expect(f.list('prod')).not.toContain('shop');
  });

  it('all namespaces and names that are not namespaces are never favorites', () => {
    const f = new NamespaceFavorites(null, () => undefined);
    for (const bad of ['*', '', 'Shop', 'a/b', 'x'.repeat(64), '../etc']) f.add('prod', bad);
    f.add('', 'shop');
    expect(f.list('prod')).toEqual([]);
    expect(f.list('')).toEqual([]);
  });

  it('kept across restarts; a file that is not a favorites map is set aside with a warning, bad entries dropped', async () => {
    const dir = tmp();
    const file = join(dir, 'namespace-favorites.json');
    const a = new NamespaceFavorites(file, () => undefined);
    a.add('prod', 'shop');
    a.add('dev', 'web');
    await a.flush();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ prod: ['shop'], dev: ['web'] });
    expect(new NamespaceFavorites(file, () => undefined).list('prod')).toEqual(['shop']);

    writeFileSync(file, JSON.stringify({ prod: ['ok', 7, 'Bad', '*', 'ok', 'fine'], '': ['x'], dev: 'web' }));
    expect(new NamespaceFavorites(file, () => undefined).list('prod')).toEqual(['ok', 'fine']);

    const warnings: string[] = [];
    writeFileSync(file, '[1,2');
    expect(new NamespaceFavorites(file, (m) => warnings.push(m)).list('prod')).toEqual([]);
    expect(warnings[0]).toMatch(/was moved to .*corrupt-\d+ \(it is not JSON\); the favorite namespaces list starts empty/);
    expect(readdirSync(dir).some((n) => n.startsWith('namespace-favorites.json.corrupt-'))).toBe(true);
  });
});
