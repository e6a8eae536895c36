import { describe, expect, it } from 'vitest';
import { formatCpu, formatMemory, percent, podResource, shownPercent } from '../../src/panes/usage-cells.js';
import type { KubeObject } from '../../src/kube/types.js';

const pod = (...limits: string[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u' },
  spec: { containers: limits.map((cpu, i) => ({ name: `c${i}`, resources: { limits: { cpu } } })) },
});

describe('usage cells of absurd (valid) quantities', () => {
  it('a share that overflows reads n/a, never Infinity% or 0% of an infinite limit', () => {
    // 1e307 cores is a valid quantity; its millicores (×1000) or 100× of it are not finite.
    expect(shownPercent(percent(1e307 * 1000, 1))).toBe('n/a');
    expect(shownPercent(percent(5, Number.POSITIVE_INFINITY))).toBe('n/a');
    expect(shownPercent(percent(Number.NaN, 10))).toBe('n/a');
    expect(shownPercent(percent(1e308, 1e-10))).toBe('n/a');
    // Each container's limit is finite; their sum is not.
    const sum = podResource(pod('1e308', '1e308'), 'limits', 'cpu');
    expect(shownPercent(percent(500, sum === null ? null : sum * 1000))).toBe('n/a');
    expect(formatCpu(Number.POSITIVE_INFINITY)).toBe('n/a');
    expect(formatMemory(Number.POSITIVE_INFINITY)).toBe('n/a');
  });

  it('ordinary values are unchanged', () => {
    expect(shownPercent(percent(250, 1000))).toBe('25%');
    expect(shownPercent(percent(250, null))).toBe('n/a');
    expect(shownPercent(percent(250, 0))).toBe('n/a');
    expect(formatCpu(12.4)).toBe('12m');
    expect(formatMemory(64 * 1024 * 1024)).toBe('64Mi');
  });
});
