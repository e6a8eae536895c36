import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/daemon-process.js';
import { EMOJI_CLUSTERS_VERSION, EMOJI_PRESENTATION_VERSION, PaintedTerminal, ptyMissing } from '../helpers/painted-terminal.js';
import { startSimDaemon, type SimDaemon } from '../helpers/sim-daemon.js';

/**
 * Text from the cluster at its most hostile — escape sequences (OSC 52 clipboard, OSC 8 links, DCS,
 * cursor moves, the alternate screen), C1 controls (U+009B is CSI), CR/LF/VT/FF and tabs, lone
 * surrogates, bidi overrides, wide CJK, emoji sequences, a letter under 100 combining marks — in a
 * list's cells and in events' messages beside it, painted by a real client in a pty
 * and read by a terminal emulator counting cells as the client does, as terminals that draw VS16
 * emoji two cells wide, and as those that draw an emoji sequence (`👨‍👩‍👧‍👦`, `👍🏽`) as one emoji.
 * A user sees text: nothing reaches the terminal as a command, every row keeps the panes' borders in
 * their columns (on the last kind, unfixed, the emoji row's border was 6 cells left of the others),
 * and the client survives resizes to 1×1, 2×80, 200×3 and 500×200 and paints the same screen after.
 */

const ESC = '\x1b';
const HOSTILE = [
  `osc52 ${ESC}]52;c;${Buffer.from('rm -rf ~').toString('base64')}\x07 end`,
  `osc8 ${ESC}]8;;http://evil.example/${ESC}\\link${ESC}]8;;${ESC}\\ end`,
  `dcs ${ESC}P1$qm${ESC}\\ title ${ESC}]0;pwned\x07 end`,
  `moves ${ESC}[2J${ESC}[H${ESC}[5;5Hx${ESC}[?1049l${ESC}[?7h${ESC}c end`,
  'c1 \u0080\u0085\u009b2J\u009b1;1H\u009d52;c;ZXZpbA==\u009c\u0090q\u009c end',
  'ctl a\tb\rc\nd\x0be\x0cf\x07g\x08h end',
  'surrogates lone\ud800x\udc00y \ufffd end',
  'bidi \u202eevil\u202c \u2066x\u2069 שלום مرحبا end',
  'cjk 日本語の名前-ポッド-漢字漢字漢字 end',
  'emoji 👨‍👩‍👧‍👦 🇯🇵 👍🏽 ⚠️ ❤️ a\u200d\u200db end',
  `marks z${'\u0301'.repeat(100)}al end`,
];

let t: SimDaemon;

const pod = (name: string, reason: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: 'node-1', containers: [{ name: 'main', image: 'busybox' }] },
  status: {
    phase: 'Running',
    containerStatuses: [{ name: 'main', image: 'busybox', ready: true, restartCount: 0, state: { waiting: { reason } } }],
  },
});

const event = (name: string, message: string) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `${name}.1`, namespace: 'default' },
  involvedObject: { kind: 'Pod', name, namespace: 'default' },
  reason: 'Hostile',
  message,
  type: 'Warning',
  count: 1,
  firstTimestamp: new Date().toISOString(),
  lastTimestamp: new Date().toISOString(),
});

beforeAll(async () => {
  if (ptyMissing) return;
  t = await startSimDaemon({
    beforeDaemon: (sim) => {
      HOSTILE.forEach((h, i) => {
        const name = `p-${String(i).padStart(2, '0')}`;
        sim.createObject(pod(name, h));
        sim.createObject(event(name, h));
      });
    },
  });
}, 120_000);
afterAll(async () => t?.stop());

/** The columns of the panes' right borders, from their top borders' corners on screen row 1. */
const corners = (p: PaintedTerminal): number[] => p.cells()[1]!.flatMap((c, i) => (c === '┓' || c === '┐' ? [i] : []));

/** Every body row has a side border in each pane's corner column (nothing pushed a border along). */
function expectBordersInPlace(p: PaintedTerminal): void {
  const cells = p.cells();
  const cols = corners(p);
  expect(cols.length).toBeGreaterThan(0);
  for (const x of cols) {
    const bottom = cells.findIndex((r, y) => y > 1 && (r[x] === '┛' || r[x] === '┘'));
    expect(bottom).toBeGreaterThan(2);
    for (let y = 2; y < bottom; y++) expect({ x, y, cell: cells[y]![x] }).toEqual({ x, y, cell: expect.stringMatching(/^[┃│]$/) });
  }
}

/** The screen without ages, digits and spaces (ages tick while a test runs: `59s`, `1m`). */
const settled = (p: PaintedTerminal): string[] => p.lines().map((l) => l.replace(/\d+[smhd]\b/g, '').replace(/[\d\s]+/g, ''));

describe.skipIf(ptyMissing)('hostile cluster text painted in a real terminal', () => {
  it.each([
    ['counting cells as the client does', undefined],
    ['drawing emoji presentation two cells wide', EMOJI_PRESENTATION_VERSION],
    ['drawing emoji sequences as one emoji (kitty, WezTerm, Ghostty…)', EMOJI_CLUSTERS_VERSION],
  ])('%s: lists show it as text, in place; resizes to tiny and huge sizes and back paint the same screen', async (_label, widths) => {
    // A session of its own: the layout starts as one list.
    const session = `hostile-${widths ?? 'plain'}`.replace(/[^a-z0-9-]/g, '-');
    const p = PaintedTerminal.spawn({ socket: t.env.socket, env: t.env.env, cols: 110, rows: 30, args: ['--session', session], ...(widths ? { widths } : {}) });
    try {
      await p.waitScreen('the pods list', (x) => x.text().includes('p-10'));
      // The events beside the list.
      p.write('\x1bv');
      await p.waitScreen('a split', (x) => corners(x).length === 2 && x.text().includes('Empty'));
      p.write(':');
      await p.waitScreen('the view prompt', (x) => x.text().includes('Switch view'));
      p.write('events');
      await p.waitScreen('the typed view', (x) => x.text().includes('> events_'));
      p.write('\r');
      await p.waitScreen('the events beside the pods', (x) => corners(x).length === 2 && x.text().includes('Events (default)') && x.text().includes('pod/p-10'));
      const shown = p.text();
      // The texts are there, their controls gone.
      for (const word of ['osc52', 'osc8', 'dcs', 'moves', 'c1', 'ctl', 'surrogates', 'bidi', 'cjk', 'emoji', 'marks']) expect(shown).toContain(word);
      expect(p.escaped).toEqual([]);
      expectBordersInPlace(p);
      const before = settled(p);

      for (const [cols, rows] of [[1, 1], [2, 80], [200, 3], [500, 200], [21, 6], [110, 30]] as const) {
        const from = p.bytes;
        p.resize(cols, rows);
        await waitFor(`a frame at ${cols}x${rows}`, () => p.bytes > from || null, 30_000);
        expect(p.alive).toBe(true);
      }
      await p.waitScreen('the same screen again', (x) => corners(x).length === 2 && settled(x).join('\n') === before.join('\n'));
      expectBordersInPlace(p);
      expect(p.escaped).toEqual([]);
    } finally {
      await p.kill();
    }
  }, 180_000);
});
