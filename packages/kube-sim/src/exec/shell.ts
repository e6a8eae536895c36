/** The exec simulator's shell: runs argv directly, `sh -c SCRIPT`, or an interactive prompt. */
import { BUILTINS } from './commands.js';
import { FakeFs, type PodIdentity } from './fake-fs.js';
import { bufferInput, readOrAbort, type ExecIO, type InputSource, type ShellState } from './io.js';
import { parse, ParseError, type Pipeline } from './shell-parse.js';

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', '/bin/sh', '/bin/bash', '/bin/ash', '/usr/bin/bash', '/bin/zsh']);

export function newShellState(pod: PodIdentity, programs?: ShellState['programs']): ShellState {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: pod.name,
    HOME: '/root',
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
    ...pod.env,
  };
  return { cwd: '/', env, lastExit: 0, fs: new FakeFs(pod), pod, ...(programs ? { programs } : {}) };
}

function commandName(word: string): string {
  return word.includes('/') ? word.slice(word.lastIndexOf('/') + 1) : word;
}

/** Whether argv[0] is something the simulator can run (in this pod: its extra programs too). */
export function isKnownCommand(word: string, programs?: ShellState['programs']): boolean {
  return SHELLS.has(word) || commandName(word) in BUILTINS || (programs !== undefined && Object.hasOwn(programs, commandName(word)));
}

/** `NAME=value` before a command word. */
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** Runs one argv (no shell parsing). */
async function runArgv(argv: string[], io: ExecIO, sh: ShellState, inShell: boolean): Promise<number> {
  if (inShell && argv.length > 0 && ASSIGNMENT.test(argv[0]!)) {
    // `NAME=value…` alone sets shell variables; before a command, they are its environment only.
    let n = 0;
    while (n < argv.length && ASSIGNMENT.test(argv[n]!)) n++;
    const assigned = argv.slice(0, n).map((w) => ASSIGNMENT.exec(w)!.slice(1, 3) as [string, string]);
    if (n === argv.length) {
      for (const [k, v] of assigned) sh.env[k] = v;
      return 0;
    }
    const saved = assigned.map(([k]) => [k, sh.env[k]] as const);
    for (const [k, v] of assigned) sh.env[k] = v;
    try {
      return await runArgv(argv.slice(n), io, sh, inShell);
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete sh.env[k];
        else sh.env[k] = v;
      }
    }
  }
  const [cmd, ...args] = argv;
  if (cmd === undefined) return 0;
  if (cmd === 'exec' && inShell) {
    // `exec PROGRAM…` replaces the shell: the shell ends with the program's exit code.
    if (args.length === 0) return 0;
    const code = await runArgv(args, io, sh, true);
    sh.exitCode ??= code;
    return code;
  }
  if (SHELLS.has(cmd)) return runShell(args, io, sh);
  const name = commandName(cmd);
  const b = (sh.programs && Object.hasOwn(sh.programs, name) ? sh.programs[name] : undefined) ?? BUILTINS[name];
  if (!b) {
    io.err(inShell ? `sh: ${cmd}: not found\n` : `exec: "${cmd}": executable file not found in $PATH\n`);
    return 127;
  }
  return b(args, io, sh);
}

/** `$NAME` in a parsed script: marked when the script is read, its value taken when the command runs. */
const VAR_MARK = '\u0000';
const MARKED = /\u0000([^\u0000]*)\u0000/g;

function variable(name: string, sh: ShellState): string {
  if (name === '?') return String(sh.lastExit);
  if (name === '$') return '27';
  if (name === '#') return String(Math.max(0, (sh.args?.length ?? 1) - 1));
  if (/^[0-9]$/.test(name)) return sh.args?.[Number(name)] ?? (name === '0' ? 'sh' : '');
  return sh.env[name] ?? '';
}

/** A word with its variables' values now (`read A; echo $A` sees what was read). */
function expand(word: string, sh: ShellState): string {
  return word.includes(VAR_MARK) ? word.replace(MARKED, (_m, name: string) => variable(name, sh)) : word;
}

async function runPipeline(p: Pipeline, io: ExecIO, sh: ShellState): Promise<number> {
  let input: InputSource = io.stdin;
  let code = 0;
  for (let i = 0; i < p.commands.length; i++) {
    const c = p.commands[i];
    if (!c) continue;
    const last = i === p.commands.length - 1;
    const captured: Buffer[] = [];
    const capture = !last || c.redirect !== undefined;
    const sub: ExecIO = {
      tty: io.tty,
      out: capture ? (d) => captured.push(Buffer.isBuffer(d) ? d : Buffer.from(d)) : (d) => io.out(d),
      err: (d) => io.err(d),
      stdin: input,
      signal: io.signal,
      ...(!capture && io.drain ? { drain: io.drain } : {}),
    };
    code = await runArgv(c.words.map((w) => expand(w, sh)), sub, sh, true);
    if (c.redirect) {
      const path = FakeFs.normalise(expand(c.redirect.path, sh), sh.cwd);
      if (path !== '/dev/null' && !sh.fs.write(path, Buffer.concat(captured).toString('utf8'), c.redirect.append)) {
        io.err(`sh: can't create ${c.redirect.path}: nonexistent directory\n`);
        code = 2;
      }
      captured.length = 0;
    }
    input = bufferInput(Buffer.concat(captured));
    if (sh.exitCode !== undefined) break;
  }
  return code;
}

/** Runs a script line by line (`sh -c`), honouring ; && || and exit. */
export async function runScript(script: string, io: ExecIO, sh: ShellState): Promise<number> {
  let pipelines: Pipeline[];
  try {
    // Variables are marked now and take their values when their command runs.
    pipelines = parse(script.replaceAll(VAR_MARK, ''), (name) => `${VAR_MARK}${name}${VAR_MARK}`);
  } catch (err) {
    if (err instanceof ParseError) {
      io.err(`sh: ${err.message}\n`);
      sh.lastExit = 2;
      return 2;
    }
    throw err;
  }
  for (const p of pipelines) {
    if (p.connector === '&&' && sh.lastExit !== 0) continue;
    if (p.connector === '||' && sh.lastExit === 0) continue;
    sh.lastExit = await runPipeline(p, io, sh);
    if (sh.exitCode !== undefined) return sh.exitCode;
    if (io.signal.aborted) break;
  }
  return sh.lastExit;
}

function prompt(sh: ShellState): string {
  return `root@${sh.pod.name}:${sh.cwd}# `;
}

/** `sh` with arguments: -c SCRIPT, a script file, or an interactive session on stdin. */
async function runShell(args: string[], io: ExecIO, sh: ShellState): Promise<number> {
  const ci = args.indexOf('-c');
  if (ci >= 0) {
    const script = args[ci + 1];
    if (script === undefined) {
      io.err('sh: -c: option requires an argument\n');
      return 2;
    }
    // `sh -c SCRIPT NAME ARG…`: the positional parameters.
    const positional = args.slice(ci + 2);
    if (positional.length > 0) sh.args = positional;
    const code = await runScript(script, io, sh);
    return sh.exitCode ?? code;
  }
  const interactive = io.tty || args.includes('-i');
  const greeting = io.tty ? `kube-sim shell in ${sh.pod.namespace}/${sh.pod.name} (${sh.pod.container}). Type 'help' for commands.\n` : '';
  if (greeting) io.out(greeting);
  for (;;) {
    if (interactive) io.out(prompt(sh));
    const controller = new AbortController();
    const line = await readOrAbort(io.stdin, io.signal);
    if (line === null) {
      if (interactive) io.out('exit\n');
      return sh.lastExit;
    }
    // A bracketed paste's lines come in one line (the tty kept their breaks): each runs in turn.
    for (const text of line.toString('utf8').replace(/\r?\n$/, '').split('\n')) {
      if (text.trim() === '') continue;
      const lineIO: ExecIO = { ...io, signal: anySignal(io.signal, controller.signal) };
      sh.interrupt = () => controller.abort();
      await runScript(text, lineIO, sh);
      sh.interrupt = undefined;
      if (sh.exitCode !== undefined) return sh.exitCode;
    }
  }
}

function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  return AbortSignal.any([a, b]);
}

/** Runs an exec request's argv in a fresh shell state. The result is the exit code. */
export function runCommand(argv: string[], io: ExecIO, sh: ShellState): Promise<number> {
  return runArgv(argv, io, sh, false).then((code) => sh.exitCode ?? code);
}
