import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareCodeUnits, compareText } from '../../src/util/compare-text.js';

/**
 * The daemon stays clear of ICU's number formatting and collation: the first toLocaleString of a
 * process loads ICU's number formatting (~11 ms) and the first localeCompare its collation (~7 ms),
 * and each pages in data the daemon then holds for good (~5 and ~3 MiB of RSS: a logs pane's footer
 * or a pod's describe was enough). Counts go through util/grouped.ts, orders through
 * util/compare-text.ts. (compareCells' Intl.Collator, made on first use, is the definition the
 * list sorts are tested against; no list calls it.) kube-sim's source too: a demo daemon runs the
 * simulator in its own process (its controller ordered pods by localeCompare on every scale-down).
 */
const SOURCES = [fileURLToPath(new URL('../../src', import.meta.url)), fileURLToPath(new URL('../../../kube-sim/src', import.meta.url))];
const CALLS = /\.toLocaleString\(|Intl\.NumberFormat|\.localeCompare\(/;

function offenders(): string[] {
  const out: string[] = [];
  for (const src of SOURCES)
    for (const f of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (!f.endsWith('.ts')) continue;
      readFileSync(join(src, f), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, '').trim();
          if (code.startsWith('*') || code.startsWith('/*')) return;
          if (CALLS.test(code)) out.push(`${join(src, f)}:${i + 1}: ${code.slice(0, 120)}`);
        });
    }
  return out;
}

describe('the daemon (and the simulator a demo daemon runs) loads no ICU formatting or collation', () => {
  it('their source calls no toLocaleString, Intl.NumberFormat or localeCompare', () => {
    expect(offenders()).toEqual([]);
  });

  it('compareText orders names case-insensitively, then by code unit; compareCodeUnits as Go does', () => {
    expect(['beta', 'Alpha', 'alpha', 'Gamma', 'a10', 'a9'].sort(compareText)).toEqual(['a10', 'a9', 'Alpha', 'alpha', 'beta', 'Gamma']);
    expect(['/var/run', '/Data', '/data', '/etc'].sort(compareCodeUnits)).toEqual(['/Data', '/data', '/etc', '/var/run']);
  });
});
