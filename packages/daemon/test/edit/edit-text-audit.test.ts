import { describe, expect, it } from 'vitest';
import { editText, readEdit } from '../../src/edit/edit-text.js';
import { yamlDepthError } from '../../src/edit/yaml-depth.js';
import type { ObjectRef } from '../../src/kube/object-ref.js';
import type { KubeObject } from '../../src/kube/types.js';

/**
 * Text from an editor that would make the YAML parser spend seconds and hundreds of MB (the
 * daemon blocked meanwhile, or killed by the memory it took): nesting hundreds of thousands deep.
 * It is refused before it is parsed, naming the line; real objects, however deep, are not.
 */

const cm: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'scripts', namespace: 'shop', uid: 'u-1', resourceVersion: '41' },
  data: { mode: 'fast' },
};
const target: ObjectRef = { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true, kindId: 'configmaps', name: 'scripts', namespace: 'shop', context: 'sim', uid: 'u-1' };
const presented = editText(cm);
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('readEdit: nesting that would stall the daemon', () => {
  it('hundreds of thousands of [ are refused before parsing, with the line', () => {
    const text = presented.replace('mode: fast', `mode: ${'['.repeat(300_000)}`);
    expect(readEdit(text, presented, cm, target)).toEqual({
      kind: 'invalid',
      errors: [`the YAML nests more than 100 levels deep (brackets [ or braces {) at line ${lineOf(text, 'mode: [')}; no object's YAML does`],
    });
  });

  it('{a: {a: … and - - - … on one line too', () => {
    expect(readEdit('{a: '.repeat(100_000), presented, cm, target)).toMatchObject({ kind: 'invalid', errors: [expect.stringContaining('nests more than 100 levels deep')] });
    expect(readEdit(`a: 1\n${'- '.repeat(200_000)}x\n`, presented, cm, target)).toEqual({
      kind: 'invalid',
      errors: [`the YAML nests more than 100 levels deep ("- " or "? " on one line) at line 2; no object's YAML does`],
    });
  });

  it('brackets that are data (quoted, in a block scalar, a comment) and long flat lists are not nesting', () => {
    const script = Array.from({ length: 500 }, () => '    if [ -f x ]; then [[').join('\n');
    const edited = presented.replace(
      'mode: fast',
      `mode: "${'['.repeat(1000)}"\n  run.sh: |\n${script}\n  single: '${'{'.repeat(1000)}'\n  # ${'['.repeat(1000)}\n  list: "${'x, '.repeat(10)}"`,
    );
    const r = readEdit(edited, presented, cm, target);
    expect(r.kind).toBe('apply');
    if (r.kind !== 'apply') return;
    expect(r.object.data!['mode']).toBe('['.repeat(1000));
    expect(r.object.data!['run.sh']).toContain('if [ -f x ]; then [[');
    expect(yamlDepthError(`items: [${Array.from({ length: 5000 }, (_, i) => `{a: ${i}}`).join(', ')}]\n- ${'- '.repeat(50)}x`)).toBeNull();
  });

  it('deep block nesting by indentation, as a CRD schema has it, is fine', () => {
    const deep = Array.from({ length: 150 }, (_, i) => `${'  '.repeat(i)}p${i}:`).join('\n') + ' leaf';
    expect(yamlDepthError(deep)).toBeNull();
  });
});

describe('readEdit: values that would reach the API server as something else', () => {
  it('a key given twice as the object has it (1 and "1") is refused, not silently one of them', () => {
    const text = presented.replace('mode: fast', 'mode: fast\n  "8080": web\n  8080: admin');
    const r = readEdit(text, presented, cm, target);
    expect(r).toEqual({ kind: 'invalid', errors: [`YAML: Map keys must be unique: "8080" is there twice at line ${lineOf(text, '8080: admin')}, column 3`] });
  });

  it('!!binary, !!set, .nan and .inf are refused, naming the field (not written as {} or null)', () => {
    const r = (v: string) => readEdit(presented.replace('mode: fast', `mode: ${v}`), presented, cm, target);
    expect(r('!!binary aGVsbG8=')).toEqual({ kind: 'invalid', errors: ['data.mode: bytes (!!binary) cannot be written to an object; write it as a quoted string'] });
    expect(r('!!set {a, b}')).toEqual({ kind: 'invalid', errors: ['data.mode: a set (!!set) cannot be written to an object; write it as a quoted string'] });
    expect(r('.nan')).toEqual({ kind: 'invalid', errors: ['data.mode: NaN is not a number an object can hold'] });
    expect(r('-.inf')).toEqual({ kind: 'invalid', errors: ['data.mode: -Infinity is not a number an object can hold'] });
    expect(r('"2024-01-01T00:00:00Z"')).toMatchObject({ kind: 'apply', object: { data: { mode: '2024-01-01T00:00:00Z' } } });
  });

  it('thousands of stray ] give the first reasons with their place', () => {
    const r = readEdit(`${presented}${']'.repeat(20_000)}\n`, presented, cm, target);
    expect(r.kind).toBe('invalid');
    if (r.kind !== 'invalid') return;
    expect(r.errors).toHaveLength(3);
    expect(r.errors[0]).toMatch(new RegExp(`^YAML: .* at line ${presented.split('\n').length}, column 1$`));
  });
});
