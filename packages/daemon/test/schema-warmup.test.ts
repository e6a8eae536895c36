import { describe, expect, it } from 'vitest';
import { REQUESTS_BY_NAME } from '@kubetile/rpc-schema';
import { TERMINAL_REQUESTS } from '../src/rpc/schema-warmup.js';

describe('the terminal requests warmed after an attach', () => {
  it('are declared methods, each warmed with params its schema accepts (an invalid sample would stop before the checks a real key meets)', () => {
    expect(TERMINAL_REQUESTS.map(([m]) => m)).toContain('client/key');
    for (const [method, params] of TERMINAL_REQUESTS) {
      const decl = REQUESTS_BY_NAME.get(method);
      expect(decl, method).toBeDefined();
      expect(decl!.params.safeParse(params).success, method).toBe(true);
    }
  });
});
