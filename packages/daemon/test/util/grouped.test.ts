import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { grouped } from '../../src/util/grouped.js';

describe('grouped: counts with thousands separators', () => {
  it('writes a whole number as toLocaleString("en") does', () => {
    for (const n of [0, 7, 99, 500, 999, 1000, 1001, 12_500, 99_999, 100_000, 1_000_000, 123_456_789, 2 ** 31, -1234]) {
      expect(grouped(n)).toBe(n.toLocaleString('en'));
    }
  });

  // The first toLocaleString of a process loads ICU's number formatting (~11 ms) and pages in ~5 MiB
  // of its data that the daemon then keeps (a logs pane's footer was enough): the daemon writes its
  // counts with grouped() instead.
  it('is what the daemon writes counts with: no toLocaleString or Intl.NumberFormat in its source', () => {
    const src = fileURLToPath(new URL('../../src', import.meta.url));
    const offenders: string[] = [];
    for (const f of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.ts')) continue;
      readFileSync(join(src, f), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, '').trim();
          if (code.startsWith('*') || code.startsWith('/*')) return;
          if (/\.toLocaleString\(|Intl\.NumberFormat/.test(code)) offenders.push(`${f}:${i + 1}: ${code.slice(0, 120)}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
