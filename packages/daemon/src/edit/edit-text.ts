import { MAX_EDIT_CHARS } from '@kubetile/rpc-schema';
import { toYamlText } from '../kube/render/yaml.js';
import { describeObject, type ObjectRef } from '../kube/object-ref.js';
import type { KubeObject } from '../kube/types.js';
import { isRecord } from '../util/is-record.js';
import { parseEditYaml, type ParsedEdit } from './edit-yaml.js';
import { parseEditYamlOffThread } from './edit-yaml-off-thread.js';

/**
 * The text of an edit and what comes back from the editor, as `kubectl edit` has it: the object's
 * YAML (managedFields hidden) under a comment that says how to save or cancel; the comment lines
 * the editor returns are dropped, an empty or unchanged text cancels, and an object that no longer
 * names the one opened (kind, apiVersion, name, namespace, uid) is refused with the reason.
 */

const HEADER = [
  '# Edit the object below and save to apply it; quit without saving (or save it unchanged) to cancel.',
  '# Lines beginning with a "#" are ignored, and an empty file cancels the edit.',
  '# If it cannot be applied, this file opens again with the reason at the top.',
];

/** The comment lines the editor's file starts with: how to save or cancel, then `errors` from the last try. */
export function editHeader(errors: readonly string[] = []): string[] {
  const why = errors.flatMap((e) => e.split('\n')).map((l) => `# ${l}`);
  return [...HEADER, ...(why.length ? ['#', ...why] : []), '#'];
}

/** The YAML of `obj` as the editor shows it, under the header. */
export function editText(obj: KubeObject): string {
  return [...editHeader(), toYamlText(obj, { showManagedFields: false }), ''].join('\n');
}

/**
 * `text` without the comment lines it starts with (the header, the reasons of the last try) and
 * surrounding blank space. Comments further down are left to the YAML parser: a `#` line inside a
 * block scalar (a script in a ConfigMap) is data.
 */
export function withoutHeader(text: string): string {
  return text.replace(/^(?:[ \t]*(?:#[^\n]*)?(?:\n|$))*/, '').trim();
}

export type EditOutcome =
  /** Nothing to apply: `why` says it (empty, unchanged). */
  | { kind: 'cancel'; why: string }
  /** The text cannot be applied as it is: the editor opens again with these. */
  | { kind: 'invalid'; errors: string[] }
  | { kind: 'apply'; object: KubeObject };

/**
 * What the editor returned, checked against the object that was opened (`original`, as the API
 * server sent it) and the target it was opened for.
 */
export function readEdit(text: string, presented: string, original: KubeObject, target: ObjectRef): EditOutcome {
  return precheck(text, presented) ?? judge(parseEditYaml(text), original, target);
}

/** readEdit with a long text's YAML read in a worker thread (the daemon answers others meanwhile). */
export async function readEditOffThread(text: string, presented: string, original: KubeObject, target: ObjectRef): Promise<EditOutcome> {
  return precheck(text, presented) ?? judge(await parseEditYamlOffThread(text), original, target);
}

function precheck(text: string, presented: string): EditOutcome | null {
  if (text.length > MAX_EDIT_CHARS) return { kind: 'invalid', errors: [`the text is ${text.length} characters, more than ${MAX_EDIT_CHARS} (the most an edit carries)`] };
  if (withoutHeader(text) === withoutHeader(presented)) return { kind: 'cancel', why: 'no changes were made' };
  return null;
}

function judge(parsed: ParsedEdit, original: KubeObject, target: ObjectRef): EditOutcome {
  if (parsed.kind === 'empty') return { kind: 'cancel', why: 'the file was empty' };
  if (parsed.kind === 'invalid') return parsed;
  const value = parsed.value;
  if (!isRecord(value)) return { kind: 'invalid', errors: ['the text must be one object (a mapping with apiVersion, kind and metadata)'] };
  const errors = identityErrors(value, original, target);
  if (errors.length) return { kind: 'invalid', errors };
  return { kind: 'apply', object: value as unknown as KubeObject };
}

/** What in `edited` no longer names the object opened: each a sentence. */
function identityErrors(edited: Record<string, unknown>, original: KubeObject, target: ObjectRef): string[] {
  const out: string[] = [];
  const what = describeObject(target);
  const same = (field: string, now: unknown, was: unknown): void => {
    if (now !== was) out.push(`${field} must stay ${JSON.stringify(was)} (it is ${JSON.stringify(now ?? null)}): an edit changes ${what}, it cannot make another object`);
  };
  same('apiVersion', edited['apiVersion'], original.apiVersion);
  same('kind', edited['kind'], original.kind);
  const meta = edited['metadata'];
  if (!isRecord(meta)) {
    out.push('metadata is missing or is not a mapping');
    return out;
  }
  same('metadata.name', meta['name'], original.metadata.name);
  if (target.namespaced) same('metadata.namespace', meta['namespace'], original.metadata.namespace);
  else if (meta['namespace'] !== undefined) out.push(`metadata.namespace must be left out: ${target.kind} objects are not namespaced`);
  // Removing uid or resourceVersion is taken as keeping them (they are put back); changing them is not.
  if (meta['uid'] !== undefined) same('metadata.uid', meta['uid'], original.metadata.uid);
  if (meta['resourceVersion'] !== undefined) same('metadata.resourceVersion', meta['resourceVersion'], original.metadata.resourceVersion);
  return out;
}

