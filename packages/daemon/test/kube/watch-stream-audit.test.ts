import { describe, expect, it } from 'vitest';
import type { KubeConfig } from '../../src/kube/kubeconfig.js';
import { KubeApiError } from '../../src/kube/api-error.js';
import { openWatch } from '../../src/kube/watch-stream.js';
import { useTestServers } from '../http-kubeconfig.js';

/**
 * A watch stream from an API server (or something in front of one) that sends a line far longer than
 * any event, in the small chunks a socket delivers: the stream is ended as malformed with that said,
 * and reading it costs the daemon time in proportion to its length (each chunk appended to one
 * string that was searched from its start again cost half a minute of CPU for a 32 MB line).
 */
const serve = useTestServers();

const event = (name: string): string => JSON.stringify({ type: 'ADDED', object: { metadata: { name, uid: `u-${name}` } } });

/** Events seen and how the stream ended. */
async function watchAll(kc: KubeConfig): Promise<{ names: string[]; err: KubeApiError | null }> {
  const names: string[] = [];
  return new Promise((resolve, reject) => {
    openWatch(kc, '/api/v1/namespaces/default/pods', {}, {
      open: () => undefined,
      event: (_t, o) => names.push((o as { metadata: { name: string } }).metadata.name),
      end: (err) => resolve({ names, err }),
    }, 60_000).catch(reject);
  });
}

describe('a watch line with no end', () => {
  it('40 MB without a newline, 64 KiB at a time: ended as malformed, naming the limit, in time linear in its length', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const kc = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${event('before')}\n{"type":"ADDED","object":{"metadata":{"name":"`);
      let sent = 0;
      const more = (): void => {
        while (sent < 40 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      res.on('close', () => (sent = Infinity));
      more();
    });
    const cpu = process.cpuUsage();
    const { names, err } = await watchAll(kc);
    const used = process.cpuUsage(cpu);
    expect(names).toEqual(['before']);
    expect(err?.reason).toBe('MalformedEvent');
    expect(err?.message).toBe('the API server sent a watch event over 33554432 bytes on /api/v1/namespaces/default/pods');
    // Linear: well under a second of CPU (server included). Quadratic was about 30 s.
    expect((used.user + used.system) / 1000).toBeLessThan(8_000);
  }, 120_000);

  it('events split across chunks anywhere, and a last line without a newline, are all read', async () => {
    const text = `${event('a')}\n\n${event('b')}\n${event('c')}`;
    const kc = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let i = 0;
      const step = (): void => {
        if (i >= text.length) return void res.end();
        res.write(text.slice(i, i + 7));
        i += 7;
        setImmediate(step);
      };
      step();
    });
    const { names, err } = await watchAll(kc);
    expect(err).toBeNull();
    expect(names).toEqual(['a', 'b', 'c']);
  });
});
