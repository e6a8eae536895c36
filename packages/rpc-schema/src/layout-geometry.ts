/**
 * Pane geometry: pane trees and the rectangles they tile. No zod here, so that a client can lay out
 * its screen without loading the schemas (see light.ts).
 */

export type PaneTree =
  | { type: 'leaf'; paneId: number }
  | { type: 'split'; direction: 'vertical' | 'horizontal'; ratio: number; first: PaneTree; second: PaneTree };

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const MIN_RATIO = 0.1;
export const MAX_RATIO = 0.9;
export const clampRatio = (r: number): number => Math.min(MAX_RATIO, Math.max(MIN_RATIO, r));

/** Rows the client reserves: one for the tab bar on top, one for the status bar below. */
export function bodyRect(size: { cols: number; rows: number }): Rect {
  return { x: 0, y: 1, width: Math.max(0, size.cols), height: Math.max(0, size.rows - 2) };
}

/** The content area of a pane drawn with a one-cell border on every side. */
export function contentViewport(rect: Rect): { cols: number; rows: number } {
  return { cols: Math.max(1, rect.width - 2), rows: Math.max(1, rect.height - 2) };
}

/** Leaf ids depth-first, first child before second: the Tab / Shift+Tab focus order. */
export function leafIds(tree: PaneTree): number[] {
  return tree.type === 'leaf' ? [tree.paneId] : [...leafIds(tree.first), ...leafIds(tree.second)];
}

/**
 * Pane tree + area → one rectangle per leaf. Splits divide integer cells; the first child gets
 * `round(size * ratio)`, clamped so that both children keep at least one cell when there is room.
 */
export function layoutTree(tree: PaneTree, area: Rect): Map<number, Rect> {
  const out = new Map<number, Rect>();
  const walk = (node: PaneTree, r: Rect): void => {
    if (node.type === 'leaf') {
      out.set(node.paneId, r);
      return;
    }
    const vertical = node.direction === 'vertical';
    const total = vertical ? r.width : r.height;
    let first = Math.round(total * node.ratio);
    if (total >= 2) first = Math.min(total - 1, Math.max(1, first));
    else first = total;
    const second = total - first;
    if (vertical) {
      walk(node.first, { x: r.x, y: r.y, width: first, height: r.height });
      walk(node.second, { x: r.x + first, y: r.y, width: second, height: r.height });
    } else {
      walk(node.first, { x: r.x, y: r.y, width: r.width, height: first });
      walk(node.second, { x: r.x, y: r.y + first, width: r.width, height: second });
    }
  };
  walk(tree, area);
  return out;
}

/** Rectangles a client draws for a tab: the whole body for a fullscreen pane, else the tree's layout. */
export function layoutTab(tree: PaneTree, fullscreenPaneId: number | null, area: Rect): Map<number, Rect> {
  if (fullscreenPaneId !== null && leafIds(tree).includes(fullscreenPaneId)) {
    return new Map([[fullscreenPaneId, area]]);
  }
  return layoutTree(tree, area);
}

const overlap = (a0: number, a1: number, b0: number, b1: number): number => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

/**
 * The pane to focus when moving from `fromId` in `direction`: candidates lie strictly in that
 * direction; those overlapping on the perpendicular axis win, nearest edge first, then the
 * largest overlap, then the top/left-most; with no overlapping candidate, the nearest centre.
 */
export function findNeighbour(rects: Map<number, Rect>, fromId: number, direction: 'up' | 'down' | 'left' | 'right'): number | null {
  const from = rects.get(fromId);
  if (!from) return null;
  type Scored = { id: number; gap: number; overlap: number; centre: number; order: number };
  const scored: Scored[] = [];
  const fcx = from.x + from.width / 2;
  const fcy = from.y + from.height / 2;
  for (const [id, r] of rects) {
    if (id === fromId) continue;
    let gap: number;
    let ov: number;
    switch (direction) {
      case 'left':
        if (r.x + r.width > from.x) continue;
        gap = from.x - (r.x + r.width);
        ov = overlap(from.y, from.y + from.height, r.y, r.y + r.height);
        break;
      case 'right':
        if (r.x < from.x + from.width) continue;
        gap = r.x - (from.x + from.width);
        ov = overlap(from.y, from.y + from.height, r.y, r.y + r.height);
        break;
      case 'up':
        if (r.y + r.height > from.y) continue;
        gap = from.y - (r.y + r.height);
        ov = overlap(from.x, from.x + from.width, r.x, r.x + r.width);
        break;
      case 'down':
        if (r.y < from.y + from.height) continue;
        gap = r.y - (from.y + from.height);
        ov = overlap(from.x, from.x + from.width, r.x, r.x + r.width);
        break;
    }
    const centre = Math.hypot(r.x + r.width / 2 - fcx, r.y + r.height / 2 - fcy);
    scored.push({ id, gap, overlap: ov, centre, order: r.y * 100000 + r.x });
  }
  if (scored.length === 0) return null;
  const withOverlap = scored.filter((s) => s.overlap > 0);
  if (withOverlap.length > 0) {
    withOverlap.sort((a, b) => a.gap - b.gap || b.overlap - a.overlap || a.order - b.order);
    return withOverlap[0]!.id;
  }
  scored.sort((a, b) => a.centre - b.centre || a.order - b.order);
  return scored[0]!.id;
}
