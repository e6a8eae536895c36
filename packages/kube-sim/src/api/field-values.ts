/** Extracts the values of selectable fields from an object, as the apiserver's field label conversion does. */
import { getPath, type KubeObject } from '../types.js';
import type { ResourceType } from './resource-types.js';

function fieldString(obj: KubeObject, field: string): string {
  const path = field === 'source' ? ['source', 'component'] : field.split('.');
  const v = getPath(obj, path);
  if (v === undefined || v === null) return field === 'spec.hostNetwork' || field === 'spec.unschedulable' ? 'false' : '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** Values in the order of rt.selectableFields; null when the kind has no extra fields. */
export function extractFieldValues(rt: ResourceType, obj: KubeObject): string[] | null {
  if (rt.selectableFields.length === 0) return null;
  return rt.selectableFields.map((f) => fieldString(obj, f));
}
