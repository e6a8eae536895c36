import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CommandRun } from '../commands/command-run.js';
import { RunRecord } from '../commands/run-record.js';
import { expandArgs, injectedOption, needsObject, showArgv, varsEnv, visibleText, type CommandVars } from '../commands/command-vars.js';
import { commandInScope, scopesText } from '../commands/command-scope.js';
import { expandHome } from '../config/load.js';
import type { CommandEntry } from '../config/schema.js';
import { describeObject, type ObjectRef } from '../kube/object-ref.js';
import { getObject } from '../kube/resource-ops.js';
import { defaultContainer, podContainers } from '../kube/exec/pod-containers.js';
import type { KubeObject } from '../kube/types.js';
import { COMMAND_OUTPUT_PANE, CommandOutputPane } from '../panes/commands/command-output-pane.js';
import type { InteractionRequest } from '../session/resource-actions.js';
import { invalidParams, invalidState } from '../util/errors.js';
import { shownValue } from '../util/shown-value.js';
import type { FeatureHost } from './feature-host.js';

/** Runs at once; one more is refused (each is a process of the user's). */
const MAX_RUNNING = 16;
/** On the daemon's stop, running commands get this long after SIGTERM. */
const STOP_WAIT_MS = 3000;

/** The container `kubectl exec` picks: the default-container annotation, else the first (empty for other kinds). */
function containerOf(obj: KubeObject | null): string {
  return obj ? (defaultContainer(obj, podContainers(obj))?.name ?? '') : '';
}

function labelsOf(obj: KubeObject | null): Record<string, string> {
  const labels = obj?.metadata.labels;
  const out: Record<string, string> = {};
  if (labels && typeof labels === 'object') for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return out;
}

function varsFor(t: ObjectRef, obj: KubeObject | null, env: NodeJS.ProcessEnv, all: readonly ObjectRef[]): CommandVars {
  return {
    lists: { NAMES: all.map((o) => o.name), OBJECTS: all.map((o) => (o.namespace ? `${o.namespace}/${o.name}` : o.name)) },
    plain: {
      NAMESPACE: t.namespace ?? '',
      NAME: t.name,
      CONTEXT: t.context,
      KIND: t.kind,
      RESOURCE: t.kindId,
      UID: t.uid ?? '',
      CONTAINER: containerOf(obj),
      KUBECONFIG: env.KUBECONFIG ?? '',
    },
    labels: labelsOf(obj),
  };
}

/**
 * Declarative commands (`[[commands]]`, k9s plugins without WASM): a key on a list of a kind in the
 * command's scopes runs its program with the selected object's values in its args and environment,
 * after a confirmation when it asks for one or is `dangerous`, its output streamed into a pane.
 */
/**
 * Why no more command may start (null: it may): MAX_RUNNING run already — whose panes are open
 * (close one), or some whose panes closed and whose programs are still being stopped (a few seconds:
 * wait). It said "close one of their panes first" when the user just had.
 */
export function runLimitRefusal(runs: Iterable<{ readonly running: boolean }>, stopping: ReadonlySet<unknown>): string | null {
  let running = 0;
  let closing = 0;
  for (const r of runs) {
    if (!r.running) continue;
    running++;
    if (stopping.has(r)) closing++;
  }
  if (running < MAX_RUNNING) return null;
  return closing > 0
    ? `${MAX_RUNNING} commands are running already, ${closing} of them still stopping after their panes closed (a few seconds); try again then, or close another command's pane`
    : `${MAX_RUNNING} commands are running already; close one of their panes first`;
}

export function installCommands(host: FeatureHost): void {
  const runs = new Map<string, CommandRun>();
  const record = new RunRecord(join(host.stateDir, 'commands-running.json'), (msg) => host.logger.warn({}, msg));
  const leftOver = record.sweep();
  if (leftOver) host.logger.warn({ groups: leftOver }, 'stopped programs of [[commands]] that a daemon before this one left running (it was killed)');
  /** Runs stopped whose SIGKILL to their group is still to come (the program may be gone, a child of it not). */
  const stopping = new Set<CommandRun>();
  const full = (): string | null => runLimitRefusal(runs.values(), stopping);
  const lookup = {
    get: (id: string) => runs.get(id),
    release: (id: string) => {
      const run = runs.get(id);
      if (!run) return;
      run.stop();
      stopping.add(run);
      void run.ended.then(() => runs.delete(id));
      // Forgotten once its grace is over (the SIGKILL sent or not needed).
      setTimeout(() => stopping.delete(run), STOP_WAIT_MS + 1000).unref();
    },
  };
  host.registry.register(COMMAND_OUTPUT_PANE, (ctx) => new CommandOutputPane(ctx, lookup), { needsTarget: true });

  host.actions.register('command', async (req: InteractionRequest) => {
    const name = req.args.name;
    if (typeof name !== 'string') throw invalidParams('command needs args.name, the name of a [[commands]] entry');
    const entry: CommandEntry | undefined = host.config().commands.find((c) => c.name === name);
    if (!entry) throw invalidParams(`no command '${name}' in the config's [[commands]]`);
    // Rows marked in the list (space): the command acts on them (the first gives the plain variables).
    const marked = host.workspace.pane(req.paneId).markedResources?.() ?? [];
    const all = marked.length > 0 ? marked : [req.target];
    const t = all[0]!;
    if (!commandInScope(entry.scopes, t)) throw invalidState(`${name} applies to ${scopesText(entry.scopes)}, not to ${t.kindId}`);
    if (entry.dangerous && host.readonly()) throw invalidState(`${name} is marked dangerous and kubetile runs read-only`);
    const refusal = full();
    if (refusal) throw invalidState(refusal);

    let obj: KubeObject | null = null;
    if (needsObject(entry.args)) obj = await getObject(host.kube.configFor(t.context), t);
    const vars = varsFor(t, obj, process.env, all);
    const argv = [expandHome(entry.command), ...expandArgs(entry.args, vars)];
    const injected = injectedOption(entry.args, vars);
    if (injected) {
      throw invalidState(
        `${name} was not run on ${describeObject(t)}: its arg ${JSON.stringify(injected.arg)} would be ${shownValue(injected.value)}, which ${entry.command} would read as an option; put "--" before it in the command's args if ${entry.command} takes the rest as operands`,
      );
    }
    if (entry.confirm || entry.dangerous) {
      const on = all.length > 1 ? `${all.length} ${t.kind}s` : describeObject(t);
      const question = `${visibleText(`${entry.dangerous ? 'Dangerous: run' : 'Run'} ${name} on ${on}?`)}\n${showArgv(argv)}`;
      const yes = req.prompts.interactive ? await req.prompts.confirm(question) : req.args.yes === true;
      if (!yes) return { message: req.prompts.interactive ? `${name}: cancelled` : `${name} asks for a confirmation: a script gives it with args.yes = true` };
      // Asked again after the dialog: the config may have been reloaded (readonly = true), other runs started, while it was open.
      if (entry.dangerous && host.readonly()) throw invalidState(`${name} is marked dangerous and kubetile runs read-only (since the dialog opened): it was not run`);
      const refusedNow = full();
      if (refusedNow) throw invalidState(refusedNow);
    }
    const id = randomUUID();
    // Its pane first, then the program: one that cannot be shown (the list closed while the dialog was
    // open, no room for a pane) never runs, rather than running on where nothing can show or stop it.
    const run = new CommandRun(argv, { ...process.env, ...varsEnv(vars) }, undefined, { start: false });
    runs.set(id, run);
    let paneId: number;
    try {
      if (!host.workspace.hasPane(req.paneId)) throw invalidState(`the list it was started from (pane ${req.paneId}) was closed`);
      paneId = host.workspace.openCompanion(req.paneId, { key: COMMAND_OUTPUT_PANE, args: { run: id, title: `${name} ${all.length > 1 ? `${all.length} ${t.kindId}` : `${t.namespace ? `${t.namespace}/` : ''}${t.name}`}` } }, req.client).paneId;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      run.cancel(`not run: ${why}`);
      runs.delete(id);
      throw invalidState(`${name} was not run on ${describeObject(t)}: ${why}`);
    }
    run.start();
    const pid = run.state.kind === 'running' ? run.state.pid : null;
    if (pid !== null) {
      record.add(pid);
      void run.ended.then(() => record.delete(pid));
    }
    host.logger.info({ command: name, argv: argv.map((a) => a.slice(0, 200)), target: describeObject(t) }, 'command started');
    void run.ended.then(() => host.logger.info({ command: name, state: run.state }, 'command ended'));
    return { paneId, message: `${name} started on ${describeObject(t)}` };
  });

  host.onStop(async () => {
    const all = new Set([...runs.values(), ...stopping]);
    for (const r of all) r.stop();
    await Promise.race([Promise.all([...all].map((r) => r.ended)), new Promise((r) => setTimeout(r, STOP_WAIT_MS).unref())]);
    // The daemon will not be there to send the SIGKILLs still due: now, to whatever is left of each group.
    for (const r of all) r.killNow();
  });
}
