import { describe, expect, it } from 'vitest';
import { connectionsFor, socketLimits } from '../../src/rpc/limits.js';
import { openFilesLimit } from '../../src/util/fd-limit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('how many connections the daemon takes', () => {
  it('reads the soft open-files limit; none when unreadable or unlimited', () => {
    expect(openFilesLimit(LIMITS)).toBe(1024);
    expect(openFilesLimit(LIMITS.replace('1024 ', 'unlimited '))).toBeNull();
    expect(openFilesLimit('garbage')).toBeNull();
    expect(typeof openFilesLimit() === 'number' || openFilesLimit() === null).toBe(true);
  });

  it('a quarter of the open-files limit, 16 to 1,024; KUBETILE_MAX_CONNECTIONS overrides', () => {
    expect(connectionsFor(1024)).toBe(256);
    expect(connectionsFor(20)).toBe(16);
    expect(connectionsFor(1_048_576)).toBe(1024);
    expect(connectionsFor(null)).toBe(1024);
    expect(socketLimits({}, 1024).maxConnections).toBe(256);
    expect(socketLimits({ KUBETILE_MAX_CONNECTIONS: '8' }, 1024).maxConnections).toBe(8);
    expect(socketLimits({ KUBETILE_MAX_CONNECTIONS: 'lots' }, 1024).maxConnections).toBe(256);
  });
});
