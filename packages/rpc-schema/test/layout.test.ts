import { describe, expect, it } from 'vitest';
import { bodyRect, clampRatio, contentViewport, findNeighbour, layoutTab, layoutTree, leafIds, type PaneTree } from '../src/index.js';

const leaf = (paneId: number): PaneTree => ({ type: 'leaf', paneId });
const split = (direction: 'vertical' | 'horizontal', first: PaneTree, second: PaneTree, ratio = 0.5): PaneTree => ({
  type: 'split', direction, ratio, first, second,
});

describe('layoutTree', () => {
  it('gives a single leaf the whole area', () => {
    expect(layoutTree(leaf(1), { x: 0, y: 1, width: 80, height: 22 }).get(1)).toEqual({ x: 0, y: 1, width: 80, height: 22 });
  });
  it('splits vertically left|right and horizontally top/bottom, covering the area exactly', () => {
    const tree = split('vertical', leaf(1), split('horizontal', leaf(2), leaf(3), 0.25), 0.6);
    const r = layoutTree(tree, { x: 0, y: 0, width: 101, height: 40 });
    expect(r.get(1)).toEqual({ x: 0, y: 0, width: 61, height: 40 });
    expect(r.get(2)).toEqual({ x: 61, y: 0, width: 40, height: 10 });
    expect(r.get(3)).toEqual({ x: 61, y: 10, width: 40, height: 30 });
    const area = [...r.values()].reduce((s, x) => s + x.width * x.height, 0);
    expect(area).toBe(101 * 40);
  });
  it('keeps at least one cell for each side of a split', () => {
    const r = layoutTree(split('vertical', leaf(1), leaf(2), 0.9), { x: 0, y: 0, width: 3, height: 1 });
    expect(r.get(1)!.width).toBe(2);
    expect(r.get(2)!.width).toBe(1);
  });
  it('fullscreen shows only the fullscreen pane', () => {
    const tree = split('vertical', leaf(1), leaf(2));
    const r = layoutTab(tree, 2, { x: 0, y: 1, width: 80, height: 22 });
    expect([...r.keys()]).toEqual([2]);
    expect(layoutTab(tree, 99, { x: 0, y: 1, width: 80, height: 22 }).size).toBe(2);
  });
  it('reserves tab and status rows and computes content viewports inside borders', () => {
    expect(bodyRect({ cols: 80, rows: 24 })).toEqual({ x: 0, y: 1, width: 80, height: 22 });
    expect(contentViewport({ x: 0, y: 1, width: 80, height: 22 })).toEqual({ cols: 78, rows: 20 });
  });
  it('orders leaves depth-first', () => {
    expect(leafIds(split('vertical', split('horizontal', leaf(4), leaf(2)), leaf(3)))).toEqual([4, 2, 3]);
  });
  it('clamps ratios to 0.1..0.9', () => {
    expect(clampRatio(0.95)).toBe(0.9);
    expect(clampRatio(0.02)).toBe(0.1);
    expect(clampRatio(0.55)).toBe(0.55);
  });
});

describe('findNeighbour', () => {
  // +---+---+
  // | 1 | 2 |
  // |   +---+
  // |   | 3 |
  // +---+---+
  const rects = layoutTree(split('vertical', leaf(1), split('horizontal', leaf(2), leaf(3))), { x: 0, y: 0, width: 80, height: 40 });
  it('moves right to the overlapping pane nearest the top', () => {
    expect(findNeighbour(rects, 1, 'right')).toBe(2);
  });
  it('moves down and up within a column', () => {
    expect(findNeighbour(rects, 2, 'down')).toBe(3);
    expect(findNeighbour(rects, 3, 'up')).toBe(2);
  });
  it('moves left from either right pane to the left pane', () => {
    expect(findNeighbour(rects, 2, 'left')).toBe(1);
    expect(findNeighbour(rects, 3, 'left')).toBe(1);
  });
  it('returns null when nothing lies in that direction', () => {
    expect(findNeighbour(rects, 1, 'left')).toBeNull();
    expect(findNeighbour(rects, 2, 'up')).toBeNull();
    expect(findNeighbour(rects, 99, 'up')).toBeNull();
  });
  it('falls back to the nearest centre when no candidate overlaps', () => {
    const r = new Map([
      [1, { x: 0, y: 0, width: 10, height: 10 }],
      [2, { x: 20, y: 20, width: 10, height: 10 }],
      [3, { x: 40, y: 40, width: 10, height: 10 }],
    ]);
    expect(findNeighbour(r, 1, 'right')).toBe(2);
  });
});
