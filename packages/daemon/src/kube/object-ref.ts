import type { ResourceRef } from './resource-ref.js';

/**
 * One object in one context: what YAML/describe panes show and what a mutation acts on. `uid`,
 * when known, pins the exact object: a mutation of a different object that took the same name
 * (deleted and re-created meanwhile) is refused by the API server or by us.
 */
export interface ObjectRef extends ResourceRef {
  /** Kind id as in ViewSpec args (`pods`). */
  kindId: string;
  name: string;
  namespace: string | null;
  context: string;
  uid?: string;
}

export const describeObject = (t: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string => `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;

/**
 * Why `name` cannot name an object in a request path, or null. Object names are path segments:
 * never `.` or `..`, never containing `/` or `%` (the API server's own rule), at most 253 bytes.
 */
export function badObjectName(name: unknown, field = 'name'): string | null {
  if (typeof name !== 'string' || name === '') return `${field} is missing`;
  if (name.length > 253 || name === '.' || name === '..' || /[/%\u0000-\u001f]/.test(name)) {
    return `${field} ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)} is not an object name`;
  }
  return null;
}
