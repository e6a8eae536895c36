import { describe, expect, it } from 'vitest';
import * as schema from '../src/index.js';

describe('rpc-schema package', () => {
  it('loads as an ES module', () => {
    expect(typeof schema).toBe('object');
  });
});
