import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { CommandRun } from '../../src/commands/command-run.js';
import { runLimitRefusal } from '../../src/features/commands.js';
import { expandArg, expandArgs, showArgv, unknownVariables, type CommandVars } from '../../src/commands/command-vars.js';
import { commandInScope } from '../../src/commands/command-scope.js';

const vars: CommandVars = {
  plain: { NAMESPACE: 'shop', NAME: 'api-1', CONTEXT: 'kind', KIND: 'Pod', RESOURCE: 'pods', UID: 'u-1', CONTAINER: 'main', KUBECONFIG: '/k' },
  labels: { app: 'api', 'app.kubernetes.io/name': 'shop-api' },
  lists: { NAMES: ['api-1', 'api-2'], OBJECTS: ['shop/api-1', 'shop/api-2'] },
};

describe('command variables', () => {
  it('expand $VAR, ${VAR}, $LABELS.key and $$; an arg stays one arg whatever the value holds', () => {
    expect(expandArg('$NAMESPACE/${NAME}', vars)).toBe('shop/api-1');
    expect(expandArg('-l=app=$LABELS.app', vars)).toBe('-l=app=api');
    expect(expandArg('${LABELS.app.kubernetes.io/name}', vars)).toBe('shop-api');
    expect(expandArg('$LABELS.missing', vars)).toBe('');
    expect(expandArg('$$NAME costs $$5', vars)).toBe('$NAME costs $5');
    expect(expandArg('$(rm -rf /) `id` ;', vars)).toBe('$(rm -rf /) `id` ;');
  });
  it('$NAMES and $OBJECTS, as args of their own, become one arg per object', () => {
    expect(expandArgs(['delete', '-n', '$NAMESPACE', 'pod', '$NAMES'], vars)).toEqual(['delete', '-n', 'shop', 'pod', 'api-1', 'api-2']);
    expect(expandArgs(['${OBJECTS}', '--'], vars)).toEqual(['shop/api-1', 'shop/api-2', '--']);
    expect(unknownVariables('pods=$NAMES')).toEqual(['$NAMES (it must be an arg of its own: it becomes one arg per object)']);
    expect(unknownVariables('$NAMES')).toEqual([]);
  });
  it('unknown ones are named', () => {
    expect(unknownVariables('$NAME $PODNAME ${NAMSPACE} $LABELS.')).toEqual(['$PODNAME', '$NAMSPACE', '$LABELS']);
    expect(unknownVariables('$$HOME')).toEqual([]);
  });
  it('a confirmation shows the argv as a shell would need it quoted', () => {
    expect(showArgv(['kubectl', 'logs', '-n', 'shop', "it's here", ''])).toBe(`kubectl logs -n shop 'it'\\''s here' ''`);
  });
  it('scopes match plural, short, singular, Kind, plural.group and all', () => {
    const pods = { kindId: 'pods', kind: 'Pod', plural: 'pods', group: '' };
    for (const s of ['pods', 'po', 'pod', 'Pod', 'all']) expect(commandInScope([s], pods)).toBe(true);
    expect(commandInScope(['deployments', 'svc'], pods)).toBe(false);
    const cert = { kindId: 'certificates.cert-manager.io', kind: 'Certificate', plural: 'certificates', group: 'cert-manager.io' };
    expect(commandInScope(['certificates.cert-manager.io'], cert)).toBe(true);
    expect(commandInScope(['certificates', 'Certificate'], cert)).toBe(true);
  });
  it("a built-in kind's names do not bring a custom resource of another group named the same into scope", () => {
    // A CRD of kind Pod: a `kubectl … pod $NAME` scoped to pods would act on the core Pod of its name.
    for (const kindId of ['pods', 'pods.evil.example.com']) {
      const evil = { kindId, kind: 'Pod', plural: 'pods', group: 'evil.example.com' };
      for (const s of ['pods', 'po', 'pod', 'Pod']) expect(commandInScope([s], evil)).toBe(false);
      expect(commandInScope(['pods.evil.example.com', 'all'], evil)).toBe(true);
    }
  });
});

describe('[[commands]] in the config', () => {
  const entry = (extra: string): string => `[[commands]]\nname = "tail"\nkey = "shift+o"\nscopes = ["pods"]\ncommand = "kubectl"\n${extra}\n`;
  it('an unknown variable is an error naming it, the known ones and the line', () => {
    const r = parseConfig('/c.toml', entry('args = ["logs", "$PODNAME"]'));
    expect(r.config).toBeNull();
    expect(r.problems[0]).toMatchObject({ key: 'commands.0.args.1', message: expect.stringMatching(/unknown variable \$PODNAME \(known: \$NAMESPACE, \$NAME/) });
  });
  it('a duplicate name and a bad key are errors; a key a built-in binding holds is a warning saying which wins', () => {
    const dup = parseConfig('/c.toml', entry('') + entry(''));
    expect(dup.problems.map((p) => p.message)).toContain("duplicate command name 'tail'");
    const badKey = parseConfig('/c.toml', entry('').replace('shift+o', 'hyper+q'));
    expect(badKey.config).toBeNull();
    expect(badKey.problems[0]?.key).toBe('commands.0.key');
    const clash = parseConfig('/c.toml', entry('').replace('shift+o', 'l'));
    expect(clash.config).not.toBeNull();
    expect(clash.problems).toContainEqual(expect.objectContaining({ key: 'commands.0.key', severity: 'warning', message: expect.stringMatching(/bound to both .*view_logs and \[\[commands\]\] tail; .* wins/) }));
  });
  it('scopes and the command must be there; unknown keys are refused', () => {
    expect(parseConfig('/c.toml', '[[commands]]\nname = "x"\nkey = "shift+o"\ncommand = "true"\n').config).toBeNull();
    expect(parseConfig('/c.toml', entry('shell = true')).problems[0]?.message).toMatch(/unknown key 'shell'/);
  });
});

describe('CommandRun', () => {
  it('a command line too long for the system says so (spawn said only "spawn E2BIG")', async () => {
    const run = new CommandRun(['/bin/echo', 'x'.repeat(200_000)], process.env);
    await run.ended;
    expect(run.state).toEqual({ kind: 'failed', message: expect.stringMatching(/^\/bin\/echo was not run: its command line is longer than the system allows \(2 args, 200011 bytes, the longest 200000 bytes;.*run it on fewer objects$/) });
  });
  it('keeps the newest lines within its limits and says how many went; a partial last line is kept', async () => {
    const run = new CommandRun([process.execPath, '-e', "for (let i = 0; i < 50000; i++) console.log('line ' + i); process.stdout.write('tail')"], process.env, { maxLines: 1000, maxBytes: 1 << 20 });
    await run.ended;
    expect(run.state).toEqual({ kind: 'exited', code: 0 });
    expect(run.lines.length).toBe(1000);
    expect(run.dropped).toBe(49001);
    expect(run.lines.at(-1)?.text).toBe('tail');
    expect(run.lines.at(-2)?.text).toBe('line 49999');
  });
  it('escape sequences never reach a pane; an endless line is cut', async () => {
    const run = new CommandRun([process.execPath, '-e', "process.stdout.write('\\x1b]52;c;cHduZWQ=\\x07\\x1b[31mred\\x1b[0m\\n' + 'x'.repeat(100000))"], process.env);
    await run.ended;
    expect(run.lines[0]?.text).toBe('red');
    expect(run.lines.every((l) => l.text.length <= 8193)).toBe(true);
  });
  it('stop ends the program and what it started (its process group)', async () => {
    const run = new CommandRun([process.execPath, '-e', "require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' }); setInterval(() => {}, 1000)"], process.env);
    const pid = (run.state as { pid: number }).pid;
    run.stop();
    await run.ended;
    expect(run.state).toEqual({ kind: 'killed', signal: 'SIGTERM' });
    expect(() => process.kill(-pid, 0)).toThrow();
  });
});

describe('the limit of 16 running commands', () => {
  it('says to wait when some of the 16 are runs whose panes were closed and are still being stopped', () => {
    const open = Array.from({ length: 14 }, () => ({ running: true }));
    const closed = [{ running: true }, { running: true }];
    expect(runLimitRefusal([...open, { running: false }], new Set())).toBeNull();
    expect(runLimitRefusal([...open, ...closed], new Set())).toBe('16 commands are running already; close one of their panes first');
    expect(runLimitRefusal([...open, ...closed], new Set(closed))).toBe(
      "16 commands are running already, 2 of them still stopping after their panes closed (a few seconds); try again then, or close another command's pane",
    );
  });
});
