import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMOJI_PRESENTATION_VERSION, PaintedTerminal, ptyMissing } from '../helpers/painted-terminal.js';
import { startSimDaemon, type SimDaemon } from '../helpers/sim-daemon.js';

/**
 * `⚠️`, `❤️`, `✔️`: a character of text presentation (one cell by wcwidth, as the client counts it)
 * followed by variation selector 16. kitty, WezTerm, Ghostty, iTerm2 and Windows Terminal draw it as
 * an emoji two cells wide. A pod status, an event message or a log line with one was a cell wider
 * on those terminals than the client had laid it out: in a split, the row pushed the pane's right
 * border a cell right and everything after it on that row, the neighbouring pane's text with it.
 * The client now drops the variation selectors (the character shows in its text form, one cell on
 * every terminal). Painted by a real client in a pty, read by a terminal emulator that counts as
 * those terminals do.
 */

let t: SimDaemon;
const STATUS = 'Warn⚠️ing❤️x✔️y';

const pod = (name: string, reason: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox' }] },
  status: { phase: 'Pending', containerStatuses: [{ name: 'main', image: 'busybox', ready: false, restartCount: 0, state: { waiting: { reason } } }] },
});

beforeAll(async () => {
  if (ptyMissing) return;
  t = await startSimDaemon({
    beforeDaemon: (sim) => {
      sim.createObject(pod('plain-pod', 'Waiting'));
      sim.createObject(pod('emoji-pod', STATUS));
      sim.createObject(pod('zz-last-pod', 'Waiting'));
    },
  });
}, 120_000);
afterAll(async () => t?.stop());

describe.skipIf(ptyMissing)('emoji presentation (VS16) on a terminal that draws it two cells wide', () => {
  it('every row of a split keeps the border between the panes in its column', async () => {
    const p = PaintedTerminal.spawn({ socket: t.env.socket, env: t.env.env, cols: 100, rows: 20, widths: EMOJI_PRESENTATION_VERSION });
    try {
      await p.waitScreen('the pods list', (x) => x.text().includes('emoji-pod') && x.text().includes('zz-last-pod'));
      p.write('\x1bv');
      // Two panes side by side: the top border has two corners ┓/┐ before the right edge.
      const corners = (x: PaintedTerminal): number[] =>
        x.cells()[1]!.flatMap((c, i) => (c === '┓' || c === '┐' ? [i] : []));
      await p.waitScreen('a split with the pods list on the left', (x) => corners(x).length === 2 && x.lines().some((l) => l.indexOf('emoji-pod') >= 0 && l.indexOf('emoji-pod') < corners(x)[0]!));
      const border = corners(p)[0]!;
      const cells = p.cells();
      const row = cells.findIndex((r) => r.join('').includes('emoji-pod'));
      expect(row).toBeGreaterThan(1);
      // The status is shown (its text, in its text form on this row).
      expect(p.lines()[row]).toMatch(/Warn⚠️?ing/);
      // Every body row has the left pane's side border in the top border's corner column (unfixed:
      // the emoji row had it a cell to the right, and the right pane's text moved with it).
      const bottom = cells.findIndex((r, i) => i > 1 && (r[border] === '┛' || r[border] === '┘'));
      expect(bottom).toBeGreaterThan(row);
      for (let y = 2; y < bottom; y++) expect({ y, cell: cells[y]![border] }).toEqual({ y, cell: expect.stringMatching(/^[┃│]$/) });
      expect(p.escaped).toEqual([]);
    } finally {
      await p.kill();
    }
  }, 120_000);
});
