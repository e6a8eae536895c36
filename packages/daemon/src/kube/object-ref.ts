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
