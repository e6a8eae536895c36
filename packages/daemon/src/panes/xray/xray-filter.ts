import type { Line } from '@kubetile/rpc-schema';
import type { TreeNode } from './xray-tree.js';

/**
 * xray's `/`: the lines of the tree kept for a query, as k9s's xray keeps them (it keeps each path from the
 * top to a leaf that names the query): a line whose own text (after its guides) holds the query, with its
 * ancestors — a pod keeps its namespace, Deployment and ReplicaSet (filtered line by line, a pod stood alone
 * and nothing said whose it was) — and its descendants (a Deployment keeps its ReplicaSets, pods and
 * containers). Case-insensitive, as every lines pane's filter. `nodes[i]` is `lines[i]`'s node; a parent's
 * line comes before its children's.
 *
 * The kept lines' guides are drawn again for the smaller tree (k9s draws the filtered tree anew): a `├─`
 * whose sibling below was filtered out pointed at nothing. `kept` maps each kept line to its new line.
 */
export function filterTree(lines: readonly Line[], nodes: readonly TreeNode[], query: string): Map<Line, Line> {
  const q = query.toLowerCase();
  // Top down: a line is in a match's subtree when it matches or its parent is in one.
  const under = lines.map(() => false);
  lines.forEach((l, i) => {
    const n = nodes[i];
    if (!n) return;
    under[i] = (n.parent >= 0 && under[n.parent] === true) || l.text.slice(n.guides).toLowerCase().includes(q);
  });
  // Bottom up: a kept line keeps its parent.
  const keep = under.slice();
  for (let i = lines.length - 1; i >= 0; i--) {
    const p = nodes[i]?.parent ?? -1;
    if (keep[i] && p >= 0) keep[p] = true;
  }
  // The last kept child of each parent takes `└─`, the others `├─` (top lines take no branch).
  const lastChild = new Map<number, number>();
  lines.forEach((_, i) => {
    const n = nodes[i];
    if (keep[i] && n && n.parent >= 0) lastChild.set(n.parent, i);
  });
  const childPrefix = new Map<number, string>();
  const kept = new Map<Line, Line>();
  lines.forEach((l, i) => {
    const n = nodes[i];
    if (!keep[i] || !n) return;
    const above = n.parent >= 0 ? (childPrefix.get(n.parent) ?? '') : '';
    const last = lastChild.get(n.parent) === i;
    const prefix = n.parent >= 0 ? `${above}${last ? '└─ ' : '├─ '}` : '';
    childPrefix.set(i, n.parent >= 0 ? `${above}${last ? '   ' : '│  '}` : '');
    kept.set(l, reguided(l, n.guides, prefix));
  });
  return kept;
}

/** `l` with its first `guides` characters (in its text and its first span) replaced by `prefix`. */
function reguided(l: Line, guides: number, prefix: string): Line {
  const text = `${prefix}${l.text.slice(guides)}`;
  if (!l.spans?.length) return { ...l, text };
  const [first, ...rest] = l.spans;
  return { ...l, text, spans: [{ ...first!, text: `${prefix}${first!.text.slice(guides)}` }, ...rest] };
}
