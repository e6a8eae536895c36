import { describe, expect, it } from 'vitest';
import { editHeader, editText, readEdit, withoutHeader } from '../../src/edit/edit-text.js';
import type { ObjectRef } from '../../src/kube/object-ref.js';
import type { KubeObject } from '../../src/kube/types.js';

/**
 * What the editor returns, read as `kubectl edit` reads it: the header and the reasons of a last try
 * are not data, comments inside the YAML are the parser's (a `#` line in a block scalar is data),
 * an empty or unchanged file cancels, and text that no longer names the object opened is refused
 * with a reason that names the field.
 */

const cm: KubeObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'scripts', namespace: 'shop', uid: 'u-1', resourceVersion: '41', managedFields: [{ manager: 'kubectl' }] },
  data: { 'run.sh': '#!/bin/sh\n# say hello\necho hi\n', mode: 'fast' },
};
const target: ObjectRef = { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true, kindId: 'configmaps', name: 'scripts', namespace: 'shop', context: 'sim', uid: 'u-1' };
const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n-1', resourceVersion: '7' } };
const nodeTarget: ObjectRef = { group: '', version: 'v1', plural: 'nodes', kind: 'Node', namespaced: false, kindId: 'nodes', name: 'n1', namespace: null, context: 'sim', uid: 'n-1' };

const presented = editText(cm);
const edited = (from: string, to: string): string => {
  expect(presented).toContain(from);
  return presented.replace(from, to);
};

describe('edit text', () => {
  it('shows the YAML under the header, without managedFields; a block scalar keeps its # lines', () => {
    expect(presented.startsWith(editHeader().join('\n'))).toBe(true);
    expect(presented).not.toContain('managedFields');
    expect(presented).toContain('# say hello');
    const r = readEdit(edited('mode: fast', 'mode: slow'), presented, cm, target);
    expect(r.kind).toBe('apply');
    if (r.kind !== 'apply') return;
    expect(r.object.data).toEqual({ 'run.sh': '#!/bin/sh\n# say hello\necho hi\n', mode: 'slow' });
  });

  it('cancels an unchanged file (header edited or not), and an empty or comments-only one', () => {
    expect(readEdit(presented, presented, cm, target)).toEqual({ kind: 'cancel', why: 'no changes were made' });
    expect(readEdit(`# my note\n${withoutHeader(presented)}\n\n`, presented, cm, target)).toEqual({ kind: 'cancel', why: 'no changes were made' });
    expect(readEdit('', presented, cm, target)).toEqual({ kind: 'cancel', why: 'the file was empty' });
    expect(readEdit('# nothing\n#\n   \n', presented, cm, target)).toEqual({ kind: 'cancel', why: 'the file was empty' });
  });

  it('refuses YAML it cannot read, naming the line of the file in the editor', () => {
    const bad = edited('mode: fast', 'mode: [fast');
    const r = readEdit(bad, presented, cm, target);
    expect(r.kind).toBe('invalid');
    if (r.kind !== 'invalid') return;
    const line = bad.split('\n').findIndex((l) => l.includes('mode: [fast')) + 1;
    expect(r.errors[0]).toMatch(/^YAML: /);
    expect(r.errors.join(' ')).toMatch(new RegExp(`line (${line}|${line + 1})\\b`));
  });

  it('refuses duplicate keys, several documents, and what is not one mapping', () => {
    expect(readEdit(edited('mode: fast', 'mode: fast\n  mode: slow'), presented, cm, target)).toMatchObject({ kind: 'invalid' });
    expect(readEdit(`${presented}---\nkind: Pod\n`, presented, cm, target)).toEqual({ kind: 'invalid', errors: ['the file holds 2 YAML documents; it must hold exactly one, the object'] });
    expect(readEdit('- a\n- b\n', presented, cm, target)).toMatchObject({ kind: 'invalid', errors: [expect.stringContaining('one object')] });
    expect(readEdit('just text\n', presented, cm, target)).toMatchObject({ kind: 'invalid' });
  });

  it('refuses a text that names another object: kind, apiVersion, name, namespace, uid, resourceVersion', () => {
    for (const [from, to, field] of [
      ['kind: ConfigMap', 'kind: Secret', 'kind'],
      ['apiVersion: v1', 'apiVersion: v2', 'apiVersion'],
      ['name: scripts', 'name: other', 'metadata.name'],
      ['namespace: shop', 'namespace: kube-system', 'metadata.namespace'],
      ['uid: u-1', 'uid: u-2', 'metadata.uid'],
      ['resourceVersion: "41"', 'resourceVersion: "40"', 'metadata.resourceVersion'],
    ] as const) {
      const r = readEdit(edited(from, to), presented, cm, target);
      expect(r, field).toMatchObject({ kind: 'invalid' });
      if (r.kind === 'invalid') expect(r.errors[0]).toContain(`${field} must stay`);
    }
    // Left out, uid and resourceVersion are put back when it is written: not an error.
    const r = readEdit(edited('  uid: u-1\n', '').replace('  resourceVersion: "41"\n', ''), presented, cm, target);
    expect(r.kind).toBe('apply');
    expect(readEdit(edited('  name: scripts\n', ''), presented, cm, target)).toMatchObject({ kind: 'invalid', errors: [expect.stringContaining('metadata.name must stay')] });
  });

  it('a cluster-scoped object takes no namespace', () => {
    const text = editText(node);
    const r = readEdit(text.replace('  name: n1\n', '  name: n1\n  namespace: shop\n'), text, node, nodeTarget);
    expect(r).toMatchObject({ kind: 'invalid', errors: [expect.stringContaining('not namespaced')] });
    expect(readEdit(text.replace('apiVersion: v1', 'apiVersion: v1\nspec: { unschedulable: true }'), text, node, nodeTarget).kind).toBe('apply');
  });

  it('refuses a text over the size an edit carries, and an alias bomb', () => {
    expect(readEdit(`${presented}#${'x'.repeat(700 * 1024)}\n`, presented, cm, target)).toMatchObject({ kind: 'invalid', errors: [expect.stringContaining('more than')] });
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
    // Expanded, it would be 9^10 nodes: the parser's alias limit refuses it instead.
    const r = readEdit(`${withoutHeader(presented)}\n${bomb}\n`, presented, cm, target);
    expect(r).toMatchObject({ kind: 'invalid', errors: [expect.stringMatching(/^YAML: .*alias/i)] });
  });
});
