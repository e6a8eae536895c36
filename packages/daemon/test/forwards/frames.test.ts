import { describe, expect, it } from 'vitest';
import { dataFrame, FrameReader, MAX_ERROR_TEXT } from '../../src/kube/portforward/frames.js';

const msg = (...bytes: Array<number | string>): Buffer => Buffer.concat(bytes.map((b) => (typeof b === 'number' ? Buffer.from([b]) : Buffer.from(b))));
const preamble = (ch: number, port: number): Buffer => Buffer.from([ch, port & 0xff, port >> 8]);

describe('the v4.channel.k8s.io port-forward frames', () => {
  it('sends data on channel 0 without a port prefix', () => {
    expect([...dataFrame(Buffer.from('hi'))]).toEqual([0, 0x68, 0x69]);
  });

  it('strips the port preamble of each channel and passes data on', () => {
    const r = new FrameReader(8080);
    expect(r.read(preamble(0, 8080), true)).toEqual({ type: 'nothing' });
    expect(r.read(preamble(1, 8080), true)).toEqual({ type: 'nothing' });
    expect(r.read(msg(0, 'abc'), true)).toEqual({ type: 'data', data: Buffer.from('abc') });
    // Two bytes of data that look like a port are data once the preamble is done.
    expect(r.read(msg(0, 0x90, 0x1f), true)).toEqual({ type: 'data', data: Buffer.from([0x90, 0x1f]) });
  });

  it('accepts a preamble split over messages or joined with data', () => {
    const r = new FrameReader(443);
    expect(r.read(Buffer.from([0, 443 & 0xff]), true)).toEqual({ type: 'nothing' });
    expect(r.read(msg(0, 443 >> 8, 'GET'), true)).toEqual({ type: 'data', data: Buffer.from('GET') });
  });

  it('collects the error channel text, bounded, with control characters blanked', () => {
    const r = new FrameReader(80);
    r.read(preamble(1, 80), true);
    expect(r.read(msg(1, 'error forwarding port 80 to pod web, uid 1: \u001b[31mrefused\n'), true)).toEqual({ type: 'error-text' });
    expect(r.errorText()).toBe('error forwarding port 80 to pod web, uid 1:  [31mrefused');
    r.read(msg(1, 'x'.repeat(10_000)), true);
    expect(r.errorText().length).toBeLessThanOrEqual(MAX_ERROR_TEXT);
  });

  it('takes first bytes that are not the port for data: the preamble was lost on the way', () => {
    const r = new FrameReader(80);
    expect(r.read(msg(0, 'HTTP/1.1 200'), true)).toEqual({ type: 'data', data: Buffer.from('HTTP/1.1 200') });
    expect(r.read(msg(1, 'error forwarding port 80'), true)).toEqual({ type: 'error-text' });
    expect(r.errorText()).toBe('error forwarding port 80');
    // Half a preamble, then something else: the held byte is data too.
    const split = new FrameReader(80);
    expect(split.read(Buffer.from([0, 80]), true)).toEqual({ type: 'nothing' });
    expect(split.read(Buffer.from([0, 1, 2]), true)).toEqual({ type: 'data', data: Buffer.from([80, 1, 2]) });
  });

  it('calls anything else a protocol error: another channel, text messages', () => {
    expect(new FrameReader(80).read(msg(2, 'x'), true)).toMatchObject({ type: 'invalid', message: expect.stringContaining('channel 2') });
    expect(new FrameReader(80).read(Buffer.from('hello'), false)).toMatchObject({ type: 'invalid' });
    expect(new FrameReader(80).read(Buffer.alloc(0), true)).toEqual({ type: 'nothing' });
  });
});
