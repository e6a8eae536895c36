import { describe, expect, it } from 'vitest';
import { statusStyle } from '../../src/kube/kinds/styles.js';
import type { KubeObject } from '../../src/kube/types.js';
import { healthOf } from '../../src/panes/pulse/pulse-counts.js';

const job = (conditions: Array<{ type: string; status: string }>): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', namespace: 'ns', uid: 'u' },
  spec: {},
  status: { conditions },
});

describe('a Job whose success policy is met (kubectl: SuccessCriteriaMet)', () => {
  it('counts as succeeded in pulse and is coloured as a success, not as a warning', () => {
    expect(healthOf('jobs', job([{ type: 'SuccessCriteriaMet', status: 'True' }]))).toBe('ok');
    expect(statusStyle('SuccessCriteriaMet')).toBe(statusStyle('Complete'));
    expect(healthOf('jobs', job([]))).toBe('warn');
    expect(healthOf('jobs', job([{ type: 'FailureTarget', status: 'True' }]))).toBe('failed');
  });
});
