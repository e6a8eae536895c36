import { clampRatio, leafIds, type PaneTree, type SplitDirection } from '@kubetile/rpc-schema';

/** Pure operations on a tab's binary pane tree. Trees are immutable values. */

export const leaf = (paneId: number): PaneTree => ({ type: 'leaf', paneId });

export function containsPane(tree: PaneTree, paneId: number): boolean {
  return leafIds(tree).includes(paneId);
}

/** How many splits the leaf `paneId` sits under (0 for a tab of one pane), or -1 when it is not in the tree. */
export function depthOf(tree: PaneTree, paneId: number): number {
  if (tree.type === 'leaf') return tree.paneId === paneId ? 0 : -1;
  const d = Math.max(depthOf(tree.first, paneId), depthOf(tree.second, paneId));
  return d < 0 ? -1 : d + 1;
}

/** Replaces the leaf `target` with a split: the old pane first (left/top), the new one second. */
export function splitPane(tree: PaneTree, target: number, newPane: number, direction: SplitDirection, ratio = 0.5): PaneTree {
  if (tree.type === 'leaf') {
    return tree.paneId === target
      ? { type: 'split', direction, ratio: clampRatio(ratio), first: tree, second: leaf(newPane) }
      : tree;
  }
  return { ...tree, first: splitPane(tree.first, target, newPane, direction, ratio), second: splitPane(tree.second, target, newPane, direction, ratio) };
}

/**
 * Removes a leaf; its sibling takes the parent's place. Returns null when the tree becomes empty,
 * and the pane that inherits the focus (first leaf of the sibling).
 */
export function removePane(tree: PaneTree, target: number): { tree: PaneTree | null; heir: number | null } {
  if (tree.type === 'leaf') return tree.paneId === target ? { tree: null, heir: null } : { tree, heir: null };
  if (tree.first.type === 'leaf' && tree.first.paneId === target) return { tree: tree.second, heir: leafIds(tree.second)[0] ?? null };
  if (tree.second.type === 'leaf' && tree.second.paneId === target) {
    const ids = leafIds(tree.first);
    return { tree: tree.first, heir: ids[ids.length - 1] ?? null };
  }
  const inFirst = containsPane(tree.first, target);
  const sub = removePane(inFirst ? tree.first : tree.second, target);
  if (sub.tree === null) return { tree: inFirst ? tree.second : tree.first, heir: leafIds(inFirst ? tree.second : tree.first)[0] ?? null };
  return { tree: inFirst ? { ...tree, first: sub.tree } : { ...tree, second: sub.tree }, heir: sub.heir };
}

/** Grows (positive delta) or shrinks the pane within the split that directly contains it; ratio clamped 0.1–0.9. */
export function resizePane(tree: PaneTree, target: number, delta: number): PaneTree {
  if (tree.type === 'leaf') return tree;
  const isFirst = tree.first.type === 'leaf' && tree.first.paneId === target;
  const isSecond = tree.second.type === 'leaf' && tree.second.paneId === target;
  if (isFirst || isSecond) {
    const ratio = clampRatio(Math.round((tree.ratio + (isFirst ? delta : -delta)) * 1000) / 1000);
    return { ...tree, ratio };
  }
  return { ...tree, first: resizePane(tree.first, target, delta), second: resizePane(tree.second, target, delta) };
}

/** Next or previous leaf in depth-first order, wrapping around. */
export function cycleFocus(tree: PaneTree, from: number, step: 1 | -1): number {
  const ids = leafIds(tree);
  const i = ids.indexOf(from);
  if (i < 0) return ids[0] ?? from;
  return ids[(i + step + ids.length) % ids.length]!;
}

/** Replaces one pane id with another (a pane switched to a different view keeps its place). */
export function replacePane(tree: PaneTree, target: number, next: number): PaneTree {
  if (tree.type === 'leaf') return tree.paneId === target ? leaf(next) : tree;
  return { ...tree, first: replacePane(tree.first, target, next), second: replacePane(tree.second, target, next) };
}
