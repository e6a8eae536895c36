import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Every byte a port-forward or an exec session sends to the API server is masked (RFC 6455: a
 * client's frames are), and `ws` masks in JavaScript unless `bufferutil` (an optional dependency of
 * the daemon, with a prebuilt binary for this platform) is found from where `ws` is: with it, an
 * upload through a forward ran ~1.5× as fast at ~0.7× the daemon's CPU (the port-forward bench,
 * local → pod). This checks that `ws`, resolved from the daemon, finds the native masker, and that
 * it masks and unmasks as RFC 6455 says.
 */
const fromDaemon = createRequire(fileURLToPath(new URL('../../src/kube/api-websocket.ts', import.meta.url)));
const fromWs = createRequire(fromDaemon.resolve('ws'));
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';

describe("ws's masking, as the daemon loads it", () => {
  it.runIf(onLinuxX64)('is the native bufferutil (a prebuilt binary for linux-x64), and masks as RFC 6455 says', () => {
    const bu = fromWs('bufferutil') as { mask(src: Buffer, mask: Buffer, out: Buffer, offset: number, length: number): void; unmask(buf: Buffer, mask: Buffer): void };
    expect(String(bu.mask)).toContain('[native code]');
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
    const key = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
    const out = Buffer.alloc(data.length + 10);
    bu.mask(data, key, out, 10, data.length);
    for (let i = 0; i < data.length; i++) expect(out[10 + i]).toBe(data[i]! ^ key[i & 3]!);
    const back = Buffer.from(out.subarray(10));
    bu.unmask(back, key);
    expect(back.equals(data)).toBe(true);
  });
});
