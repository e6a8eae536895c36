import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The kube layer knows no plugins (or any layer above it): data flows up, adapters live above. */
const KUBE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/kube');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

describe('packages/daemon/src/kube', () => {
  it('imports nothing from plugins/', () => {
    const offenders = sources(KUBE).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)]
        .map((m) => m[1]!)
        .filter((spec) => spec.startsWith('.') && path.resolve(path.dirname(file), spec).startsWith(path.resolve(KUBE, '../plugins')))
        .map((spec) => `${path.relative(KUBE, file)} → ${spec}`),
    );
    expect(sources(KUBE).length).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });
});
