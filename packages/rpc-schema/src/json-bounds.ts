/**
 * Bounds for JSON values that cross the socket. A value nested 20,000 levels deep parses fine
 * but breaks every JSON.stringify that meets it later (a stack overflow), so depth is checked
 * here without recursion, before such a value is kept anywhere.
 */

/** Nesting allowed in a request's params (objects and arrays inside each other). */
export const MAX_PARAMS_DEPTH = 64;

/**
 * The path (e.g. `view.args.a.b`) of the first place where `value` nests deeper than
 * `maxDepth` levels, or null when it does not. The value itself is depth 1 when it is an object
 * or an array. Iterative: any depth is safe to check.
 */
export function tooDeepAt(value: unknown, maxDepth: number, base: readonly (string | number)[] = []): string | null {
  if (typeof value !== 'object' || value === null) return null;
  if (maxDepth < 1) return formatPath(base);
  // Depth-first with an explicit stack that never holds more than maxDepth frames.
  const frames: Array<{ node: object; keys: string[] | null; length: number; i: number }> = [];
  const path: Array<string | number> = [];
  const enter = (node: object): void => {
    const keys = Array.isArray(node) ? null : Object.keys(node);
    frames.push({ node, keys, length: keys ? keys.length : (node as unknown[]).length, i: 0 });
  };
  enter(value);
  while (frames.length) {
    const f = frames[frames.length - 1]!;
    if (f.i >= f.length) {
      frames.pop();
      path.pop();
      continue;
    }
    const key: string | number = f.keys ? f.keys[f.i]! : f.i;
    f.i++;
    const child = (f.node as Record<string | number, unknown>)[key];
    if (typeof child !== 'object' || child === null) continue;
    if (frames.length + 1 > maxDepth) return formatPath([...base, ...path, key]);
    path.push(key);
    enter(child);
  }
  return null;
}

/**
 * The path of the first leaf of `value` (depth first, in key order) that `found` holds for, or null
 * when there is none; nothing nested deeper than `maxDepth` levels is looked at. Iterative: any
 * depth is safe to walk. (Finds a number JSON cannot carry, an integer JavaScript rounds, ….)
 */
export function firstLeafAt(value: unknown, found: (leaf: unknown) => boolean, maxDepth = Infinity): Array<string | number> | null {
  if (typeof value !== 'object' || value === null) return found(value) ? [] : null;
  const path: Array<string | number> = [];
  const frames: Array<Iterator<[string | number, unknown]>> = [];
  const enter = (node: object): void => {
    frames.push(Array.isArray(node) ? node.entries() : Object.entries(node)[Symbol.iterator]());
  };
  enter(value);
  while (frames.length) {
    const next = frames[frames.length - 1]!.next();
    if (next.done) {
      frames.pop();
      path.pop();
      continue;
    }
    const [key, child] = next.value;
    if (typeof child !== 'object' || child === null) {
      if (found(child)) return [...path, key];
      continue;
    }
    if (frames.length >= maxDepth) continue;
    path.push(key);
    enter(child);
  }
  return null;
}

/** A path as JavaScript and kubectl write one: `spec.containers[0].image`; `fallback` for the value itself. */
export function dottedPath(path: readonly (string | number)[], fallback: string): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || fallback;
}

/** `a.b.0.c`, shortened in the middle when long (a path 20,000 levels deep must not flood a message). */
export function formatPath(path: readonly (string | number)[]): string {
  const parts = path.map(String);
  if (parts.length <= 8) return parts.join('.') || '(params)';
  return `${parts.slice(0, 4).join('.')}.….${parts.slice(-2).join('.')} (${parts.length} levels)`;
}

/** The size in bytes of `value` as JSON, or null when it cannot be written as JSON. */
export function jsonSize(value: unknown): number | null {
  try {
    const s = JSON.stringify(value);
    return s === undefined ? null : Buffer.byteLength(s);
  } catch {
    return null;
  }
}
