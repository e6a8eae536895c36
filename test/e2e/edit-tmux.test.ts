import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeSim } from '@kubetile/kube-sim';
import { waitFor } from '../helpers/daemon-process.js';
import { tmuxMissing, type TmuxTerminal } from '../helpers/tmux.js';
import { useTmuxE2e } from '../helpers/tmux-e2e.js';

/**
 * `shift+e` on a list: the object's YAML in the user's editor, in the terminal that pressed it, and
 * written back on save as `kubectl edit` does. The editor here is a shell script that does what its
 * plan says for each run (wait for a line typed in the terminal, change replicas, break the YAML,
 * change nothing, fail), and keeps a copy of every file it was given.
 */

const e2e = useTmuxE2e();

const EDITOR = `#!/bin/sh
d=$(dirname "$0")
n=$(cat "$d/count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$d/count"
cp "$1" "$d/given-$n.yaml"
action=$(sed -n "\${n}p" "$d/plan")
case "$action" in
  replicas:*) sed -i "s/^  replicas: .*/  replicas: \${action#replicas:}/" "$1" ;;
  fix:*) sed -i -e '/^bad: \\[/d' -e "s/^  replicas: .*/  replicas: \${action#fix:}/" "$1" ;;
  break) printf 'bad: [\\n' >> "$1" ;;
  same) : ;;
  fail) exit 3 ;;
  wait:*) echo "EDITOR WAITING FOR A LINE"; read answer < /dev/tty; echo "got $answer" > "$d/answer"; sed -i "s/^  replicas: .*/  replicas: \${action#wait:}/" "$1" ;;
esac
`;

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } },
  },
});

/** The editor script with its plan (one action per run), set as $KUBE_EDITOR for the terminal. */
function editorWith(plan: string[]): { given: (n: number) => string; runs: () => number; answer: () => string | null } {
  const dir = e2e.env.dir;
  const script = join(dir, 'editor.sh');
  writeFileSync(script, EDITOR);
  chmodSync(script, 0o755);
  writeFileSync(join(dir, 'plan'), `${plan.join('\n')}\n`);
  e2e.env.env.KUBE_EDITOR = script;
  return {
    given: (n) => readFileSync(join(dir, `given-${n}.yaml`), 'utf8'),
    runs: () => (existsSync(join(dir, 'count')) ? Number(readFileSync(join(dir, 'count'), 'utf8')) : 0),
    answer: () => (existsSync(join(dir, 'answer')) ? readFileSync(join(dir, 'answer'), 'utf8').trim() : null),
  };
}

async function deploymentsOn(sim: KubeSim): Promise<TmuxTerminal> {
  sim.createObject(deployment('web'));
  await e2e.startDaemon();
  const term = e2e.terminal([], { cols: 140, rows: 40 });
  await term.waitScreen('the pods view', (s) => s.includes('(connected)'), 60_000);
  term.keys(':');
  term.text('deploy');
  term.keys('Enter');
  await term.waitScreen('deployments listed', (s) => /Deployments \(default\)/.test(s) && /web\s+\d\/1/.test(s));
  return term;
}

/** The screen's text with box lines and runs of space cut out: a toast wrapped over several rows reads as one line. */
const flat = (screen: string): string => screen.replace(/[│┃╭╮╰╯─━┏┓┗┛]/g, ' ').replace(/\s+/g, ' ');

const replicasOf = (sim: KubeSim): unknown => (sim.getObject('apps/v1', 'Deployment', 'web')?.spec as { replicas?: number }).replicas;
const rvOf = (sim: KubeSim): string | undefined => sim.getObject('apps/v1', 'Deployment', 'web')?.metadata.resourceVersion;

describe.skipIf(tmuxMissing)('edit in $EDITOR (tmux)', () => {
  it('shift+e hands the terminal to the editor (keys typed go to it), then writes the saved YAML and repaints the list', async () => {
    const sim = await e2e.startSim();
    const ed = editorWith(['wait:4']);
    const term = await deploymentsOn(sim);

    term.keys('E');
    const during = await term.waitScreen('the editor owns the terminal', (s) => s.includes('EDITOR WAITING FOR A LINE'));
    expect(during).not.toContain('Deployments (default)');
    term.text('jjk');
    term.keys('Enter');
    const after = await term.waitScreen('the list back with the result', (s) => flat(s).includes('edited Deployment default/web') && s.includes('Deployments (default)'));
    expect(after).toMatch(/web\s+\d\/4/);
    expect(replicasOf(sim)).toBe(4);
    expect(ed.answer()).toBe('got jjk');
    // What the editor was given: the header, the YAML of the object as the server has it, no managedFields.
    const given = ed.given(1);
    expect(given.split('\n')[0]).toMatch(/^# Edit the object below/);
    expect(given).toContain('kind: Deployment');
    expect(given).toContain('  replicas: 1');
    expect(given).not.toContain('managedFields');
  });

  it('a text it cannot read opens again with the reason on top; unchanged cancels; a failing editor or ctrl+c in it changes nothing, kubetile stays', async () => {
    const sim = await e2e.startSim();
    const ed = editorWith(['break', 'fix:3', 'same', 'fail', 'wait:7']);
    const term = await deploymentsOn(sim);

    term.keys('E');
    await term.waitScreen('applied after the second try', (s) => flat(s).includes('edited Deployment default/web'));
    expect(ed.runs()).toBe(2);
    const second = ed.given(2);
    expect(second).toMatch(/^# YAML: .*line \d+/m);
    expect(second).toContain('bad: [');
    expect(replicasOf(sim)).toBe(3);

    const rv = rvOf(sim);
    term.keys('E');
    await term.waitScreen('cancelled', (s) => flat(s).includes('Edit cancelled (no changes were made)'));
    expect(ed.runs()).toBe(3);
    expect(rvOf(sim)).toBe(rv);

    term.keys('E');
    await term.waitScreen('the failing editor', (s) => flat(s).includes('exited with status 3'));
    expect(ed.runs()).toBe(4);
    expect(rvOf(sim)).toBe(rv);
    expect(replicasOf(sim)).toBe(3);

    // ctrl+c in an editor that reads the terminal cooked: SIGINT goes to the whole foreground group,
    // kubetile included, which leaves it to the editor and stays.
    term.keys('E');
    await term.waitScreen('the editor waiting', (s) => s.includes('EDITOR WAITING FOR A LINE'));
    term.keys('C-c');
    const back = await term.waitScreen('back after ctrl+c', (s) => /the editor \(\S+\) (exited with status 130|was ended by SIGINT)/.test(flat(s)) && s.includes('Deployments (default)'));
    expect(back).not.toContain('kubetile exited');
    expect(replicasOf(sim)).toBe(3);
    term.keys('j');
    await term.waitScreen('still answering keys', (s) => s.includes('NORMAL'));
  });

  it('a change made by someone else while the editor is open refuses the save; the text is kept and the toast says where', async () => {
    const sim = await e2e.startSim();
    const ed = editorWith(['wait:9']);
    const term = await deploymentsOn(sim);

    term.keys('E');
    await term.waitScreen('the editor open', (s) => s.includes('EDITOR WAITING FOR A LINE'));
    sim.patchObject('apps/v1', 'Deployment', 'web', 'default', { metadata: { labels: { owner: 'someone-else' } } });
    term.keys('Enter');
    const refused = flat(await term.waitScreen('refused', (s) => flat(s).includes('was changed by someone else since the editor opened')));
    expect(refused).toMatch(/nothing was changed; your text is in \S*edits/);
    const obj = sim.getObject('apps/v1', 'Deployment', 'web')!;
    expect(obj.metadata.labels?.owner).toBe('someone-else');
    expect(replicasOf(sim)).toBe(1);
    expect(ed.runs()).toBe(1);
    const kept = await waitFor('the kept text', () => {
      const dir = join(e2e.env.dir, 'state', 'kubetile', 'edits');
      const files = existsSync(dir) ? readdirSync(dir) : [];
      return files.length === 1 ? readFileSync(join(dir, files[0]!), 'utf8') : null;
    });
    expect(kept).toContain('  replicas: 9');
    expect(kept).not.toMatch(/^# Edit the object/);
  });
});
