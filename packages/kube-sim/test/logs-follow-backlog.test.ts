import https from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { runningPod, startSim, stopAll, waitFor } from './helpers.js';

afterEach(stopAll);

/**
 * A follow whose backlog drains slowly (a client that is not reading) must still get every line
 * appended meanwhile: the handler follows from the moment of its snapshot. It used to subscribe
 * only after writing the backlog, so lines appended while it waited for the socket to drain were
 * in neither.
 */
describe('log follow with a backlog', () => {
  it('loses no line appended while the backlog drains to a slow client', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('p'));
    // (tailLines: the backlog is a copy, as with sinceTime, the way a resume asks.)
    // About 24 MB of backlog: far more than the socket buffers hold, so the handler waits for drains.
    const pad = 'x'.repeat(4000);
    sim.appendLog('default', 'p', Array.from({ length: 6000 }, (_, i) => `old ${i} ${pad}`));
    let text = '';
    let ended = false;
    const req = https.request(`${sim.url}/api/v1/namespaces/default/pods/p/log?follow=true&tailLines=10000`, { headers: { Authorization: `Bearer ${sim.token}` }, ca: sim.caPem, agent: false }, (res) => {
      res.pause();
      // Lines appended while nothing is read (the backlog is stuck in the handler's drain waits).
      let n = 0;
      const writer = setInterval(() => {
        sim.appendLog('default', 'p', `new ${n++}`);
        if (n === 50) {
          clearInterval(writer);
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => (ended = true));
          res.resume();
        }
      }, 5);
    });
    req.end();
    await waitFor(() => text.includes('new 49\n'), 'the last new line', 30_000);
    sim.terminateContainer('default', 'p');
    await waitFor(() => ended, 'the end of the stream');
    const lines = text.split('\n').filter(Boolean);
    expect(lines.filter((l) => l.startsWith('old ')).length).toBe(6000);
    expect(lines.filter((l) => l.startsWith('new '))).toEqual(Array.from({ length: 50 }, (_, i) => `new ${i}`));
  });
});
