/** The selection a list or watch applies: namespace, label selector and field selector. */
import type { ResourceType } from '../api/resource-types.js';
import { matchFields, matchLabels, type FieldSelector, type LabelSelector } from '../store/selectors.js';
import type { StoredObject } from '../store/stored-object.js';

export interface Selection {
  rt: ResourceType;
  namespace: string | undefined;
  labels: LabelSelector | null;
  fields: FieldSelector | null;
}

export function matches(sel: Selection, rec: StoredObject): boolean {
  if (sel.namespace !== undefined && sel.rt.namespaced && rec.namespace !== sel.namespace) return false;
  if (sel.labels && !matchLabels(sel.labels, rec.labels)) return false;
  if (sel.fields && !matchFields(sel.fields, sel.rt.selectableFields, rec)) return false;
  return true;
}

export function hasSelectors(sel: Selection): boolean {
  return sel.labels !== null || sel.fields !== null;
}
