/** Built-in commands of the exec simulator: echo, cat, env, ls, sleep, exit N and friends. */
import { FakeFs } from './fake-fs.js';
import { readOrAbort, sleep, type ExecIO, type ShellState } from './io.js';

export type Builtin = (args: string[], io: ExecIO, sh: ShellState) => Promise<number>;

function dateString(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

const echo: Builtin = async (args, io) => {
  let newline = true;
  let escapes = false;
  while (args[0] === '-n' || args[0] === '-e' || args[0] === '-ne' || args[0] === '-en') {
    const f = args.shift() as string;
    if (f.includes('n')) newline = false;
    if (f.includes('e')) escapes = true;
  }
  let text = args.join(' ');
  if (escapes) text = echoEscapes(text);
  io.out(newline ? `${text}\n` : text);
  return 0;
};

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\u0007', b: '\b', e: '\u001b', E: '\u001b', '\\': '\\' };

/** `echo -e`: \n \t \r \a \b \e \\, \0NNN (octal) and \xHH, as bash's echo -e reads them. */
function echoEscapes(text: string): string {
  return text.replace(/\\(0[0-7]{0,3}|x[0-9a-fA-F]{1,2}|[ntrabeE\\])/g, (m, code: string) => {
    if (code[0] === '0') return String.fromCharCode(parseInt(code.slice(1) || '0', 8) & 0xff);
    if (code[0] === 'x') return String.fromCharCode(parseInt(code.slice(1), 16));
    return SIMPLE_ESCAPES[code] ?? m;
  });
}

/** Shell built-ins `command -v` names as themselves (dash and bash print the bare name). */
const SHELL_BUILTINS = new Set(['cd', 'command', 'echo', 'exec', 'exit', 'export', 'false', 'pwd', 'read', 'true']);

/** `command -v NAME…`: where each program is (PATH in the container's files), exit 1 when one is not. */
const command: Builtin = async (args, io, sh) => {
  if (args[0] !== '-v' && args[0] !== '-V') {
    io.err('command: only -v and -V are simulated\n');
    return 2;
  }
  let code = 0;
  for (const name of args.slice(1)) {
    const found = SHELL_BUILTINS.has(name)
      ? name
      : name.includes('/')
        ? (sh.fs.read(FakeFs.normalise(name, sh.cwd)) !== undefined ? name : undefined)
        : (sh.env['PATH'] ?? '').split(':').filter((d) => d.startsWith('/')).map((d) => `${d.replace(/\/$/, '')}/${name}`).find((p) => sh.fs.read(p) !== undefined);
    if (found === undefined) code = 1;
    else io.out(args[0] === '-V' ? `${name} is ${found}\n` : `${found}\n`);
  }
  return code;
};

/** `stty size`: the rows and columns the client last sent on the resize channel. */
const stty: Builtin = async (args, io, sh) => {
  if (!io.tty) {
    io.err("stty: 'standard input': Inappropriate ioctl for device\n");
    return 1;
  }
  if (args[0] === 'size') io.out(`${sh.size?.rows ?? 0} ${sh.size?.cols ?? 0}\n`);
  return 0;
};

/** `yes [WORD]`: the word on every line until interrupted; paced by the client (drain) so memory stays flat. */
const yes: Builtin = async (args, io) => {
  const line = `${args.length > 0 ? args.join(' ') : 'y'}\n`;
  const chunk = line.repeat(Math.max(1, Math.floor(262144 / line.length)));
  // Captured into a pipe or a file nothing reads concurrently: stop at 64 KiB instead of filling memory.
  const limit = io.drain ? Infinity : 65536;
  for (let sent = 0; sent < limit && !io.signal.aborted; sent += chunk.length) {
    io.out(chunk);
    if (io.drain) await io.drain();
    else await new Promise((r) => setImmediate(r));
  }
  return io.signal.aborted ? 130 : 0;
};

const cat: Builtin = async (args, io, sh) => {
  let code = 0;
  const files = args.filter((a) => !a.startsWith('-') || a === '-');
  if (files.length === 0) files.push('-');
  for (const f of files) {
    if (f === '-') {
      for (let c = await readOrAbort(io.stdin, io.signal); c; c = await readOrAbort(io.stdin, io.signal)) io.out(c);
      if (io.signal.aborted) return 130;
      continue;
    }
    const path = FakeFs.normalise(f, sh.cwd);
    const content = sh.fs.read(path);
    if (content === undefined) {
      io.err(`cat: ${f}: ${sh.fs.isDir(path) ? 'Is a directory' : 'No such file or directory'}\n`);
      code = 1;
    } else io.out(content);
  }
  return code;
};

const env: Builtin = async (args, io, sh) => {
  if (args.length > 0 && !args[0]?.startsWith('-')) {
    const v = sh.env[args[0] as string];
    if (v === undefined) return 1;
    io.out(`${v}\n`);
    return 0;
  }
  io.out(Object.entries(sh.env).map(([k, v]) => `${k}=${v}\n`).join(''));
  return 0;
};

const ls: Builtin = async (args, io, sh) => {
  const long = args.some((a) => a.startsWith('-') && a.includes('l'));
  const all = args.some((a) => a.startsWith('-') && a.includes('a'));
  const paths = args.filter((a) => !a.startsWith('-'));
  if (paths.length === 0) paths.push('.');
  let code = 0;
  paths.forEach((p, idx) => {
    const path = FakeFs.normalise(p, sh.cwd);
    if (!sh.fs.exists(path)) {
      io.err(`ls: cannot access '${p}': No such file or directory\n`);
      code = 2;
      return;
    }
    const names = sh.fs.isDir(path) ? sh.fs.list(path) : [p];
    if (all && sh.fs.isDir(path)) names.unshift('.', '..');
    if (paths.length > 1 && sh.fs.isDir(path)) io.out(`${idx > 0 ? '\n' : ''}${p}:\n`);
    if (long) {
      io.out(`total ${names.length * 4}\n`);
      for (const n of names) {
        const full = sh.fs.isDir(path) ? FakeFs.normalise(n, path) : path;
        const dir = sh.fs.isDir(full) || n === '.' || n === '..';
        io.out(`${dir ? 'drwxr-xr-x' : '-rw-r--r--'} 1 root root ${String(sh.fs.size(full)).padStart(5)} Nov 24 09:12 ${n}\n`);
      }
    } else if (names.length > 0) io.out(`${names.join(io.tty ? '  ' : '\n')}\n`);
  });
  return code;
};

const sleepCmd: Builtin = async (args, io) => {
  const n = Number((args[0] ?? '').replace(/s$/, ''));
  if (!Number.isFinite(n) || n < 0) {
    io.err(`sleep: invalid time interval '${args[0] ?? ''}'\n`);
    return 1;
  }
  return (await sleep(n * 1000, io.signal)) ? 0 : 130;
};

const exit: Builtin = async (args, _io, sh) => {
  const n = args[0] === undefined ? sh.lastExit : Number(args[0]);
  sh.exitCode = Number.isInteger(n) ? ((n % 256) + 256) % 256 : 2;
  return sh.exitCode;
};

const ps: Builtin = async (_args, io, sh) => {
  io.out(`PID   USER     TIME  COMMAND\n    1 root      0:03 ${sh.pod.container}\n   27 root      0:00 sh\n   33 root      0:00 ps\n`);
  return 0;
};

const uname: Builtin = async (args, io, sh) => {
  io.out(args.includes('-a') ? `Linux ${sh.pod.name} 6.1.0-27-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 x86_64 GNU/Linux\n` : 'Linux\n');
  return 0;
};

const cd: Builtin = async (args, io, sh) => {
  const target = FakeFs.normalise(args[0] ?? '/root', sh.cwd);
  if (!sh.fs.isDir(target)) {
    io.err(`sh: cd: can't cd to ${args[0] ?? ''}: No such file or directory\n`);
    return 2;
  }
  sh.cwd = target;
  sh.env['PWD'] = target;
  return 0;
};

const head: Builtin = async (args, io, sh) => {
  let n = 10;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-n') n = Number(args[++i] ?? '10');
    else if (/^-\d+$/.test(a)) n = Number(a.slice(1));
    else files.push(a);
  }
  let text: string;
  if (files.length === 0) {
    const parts: Buffer[] = [];
    for (let c = await readOrAbort(io.stdin, io.signal); c; c = await readOrAbort(io.stdin, io.signal)) parts.push(c);
    text = Buffer.concat(parts).toString('utf8');
  } else {
    const content = sh.fs.read(FakeFs.normalise(files[0] as string, sh.cwd));
    if (content === undefined) {
      io.err(`head: cannot open '${files[0] ?? ''}' for reading: No such file or directory\n`);
      return 1;
    }
    text = content;
  }
  const lines = text.split('\n');
  io.out(lines.slice(0, n).join('\n') + (lines.length > n ? '\n' : ''));
  return 0;
};

/**
 * `read [-r] NAME…`: one line of stdin (what follows it stays for the next reader), split on
 * whitespace unless IFS is empty; 1 at end of input before a newline, as sh does.
 */
const read: Builtin = async (args, io, sh) => {
  const names = args.filter((a) => !a.startsWith('-'));
  if (names.length === 0) names.push('REPLY');
  const parts: Buffer[] = [];
  let eol = false;
  for (;;) {
    const c = await readOrAbort(io.stdin, io.signal);
    if (!c) break;
    const at = c.indexOf(10);
    if (at < 0) {
      parts.push(c);
      continue;
    }
    parts.push(c.subarray(0, at));
    io.stdin.unshift?.(c.subarray(at + 1));
    eol = true;
    break;
  }
  const line = Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
  if (sh.env['IFS'] === '' || names.length === 1) sh.env[names[0]!] = sh.env['IFS'] === '' ? line : line.trim();
  else {
    const words = line.trim().split(/\s+/);
    names.forEach((n, i) => (sh.env[n] = i === names.length - 1 ? words.slice(i).join(' ') : (words[i] ?? '')));
  }
  return eol ? 0 : 1;
};

/** `export NAME[=value]…`: every variable of the simulated shell is in the environment already. */
const exportCmd: Builtin = async (args, _io, sh) => {
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq > 0) sh.env[a.slice(0, eq)] = a.slice(eq + 1);
    else if (!(a in sh.env)) sh.env[a] = '';
  }
  return 0;
};

export const BUILTINS: Record<string, Builtin> = {
  read,
  export: exportCmd,
  echo,
  cat,
  env,
  printenv: env,
  ls,
  sleep: sleepCmd,
  exit,
  ps,
  uname,
  cd,
  head,
  command,
  stty,
  yes,
  'stdin-messages': async (_a, io, sh) => { io.out(`${sh.stdinMessages?.() ?? 0}\n`); return 0; },
  pwd: async (_a, io, sh) => { io.out(`${sh.cwd}\n`); return 0; },
  hostname: async (_a, io, sh) => { io.out(`${sh.pod.name}\n`); return 0; },
  whoami: async (_a, io) => { io.out('root\n'); return 0; },
  id: async (_a, io) => { io.out('uid=0(root) gid=0(root) groups=0(root)\n'); return 0; },
  date: async (_a, io) => { io.out(`${dateString(new Date())}\n`); return 0; },
  true: async () => 0,
  false: async () => 1,
  clear: async (_a, io) => { io.out('\u001b[H\u001b[2J'); return 0; },
  help: async (_a, io) => { io.out(`kube-sim shell built-ins: ${Object.keys(BUILTINS).sort().join(' ')} sh bash\n`); return 0; },
};
