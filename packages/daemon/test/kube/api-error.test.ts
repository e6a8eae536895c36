import { describe, expect, it } from 'vitest';
import { MAX_STATUS_MESSAGE, statusError } from '../../src/kube/api-error.js';

const status = (s: Record<string, unknown>): string => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', ...s });

describe("an API server's Status read into an error", () => {
  it('keeps a real message, its reason and causes as they are', () => {
    const e = statusError(422, status({ message: 'Pod "x" is invalid: spec.containers[0].image: Required value', reason: 'Invalid', code: 422, details: { causes: [{ message: 'Required value', field: 'spec.containers[0].image' }] } }), 'pods');
    expect(e.message).toBe('Pod "x" is invalid: spec.containers[0].image: Required value');
    expect(e.reason).toBe('Invalid');
    expect(e.causes).toEqual(['Required value']);
    expect(e.status).toBe(422);
  });

  it("a message of megabytes is cut (a pane and a toast show it), saying how much was left out", () => {
    const e = statusError(500, status({ message: 'x'.repeat(3_000_000), reason: 'InternalError' }), 'pods');
    expect(e.message.length).toBeLessThan(MAX_STATUS_MESSAGE + 64);
    expect(e.message.endsWith(`… (${3_000_000 - MAX_STATUS_MESSAGE} more characters)`)).toBe(true);
  });

  it('a reason that is no API reason is dropped; causes are at most 20, each cut', () => {
    const e = statusError(409, status({ message: 'conflict', reason: `Conflict${'\n'.repeat(3)}rm -rf`, details: { causes: Array.from({ length: 10_000 }, () => ({ message: 'y'.repeat(10_000) })) } }), 'pods');
    expect(e.reason).toBeUndefined();
    expect(e.causes).toHaveLength(20);
    expect(e.causes.every((c) => c.length < 600)).toBe(true);
    expect(statusError(409, status({ message: 'm', reason: 'A'.repeat(65) }), 'pods').reason).toBeUndefined();
  });
});
