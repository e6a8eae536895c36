import { createPrivateKey, X509Certificate } from 'node:crypto';
import { dirname, isAbsolute, join } from 'node:path';
import { fromDocument, type Cluster, type Context, type User } from './kubeconfig.js';
import { parse } from 'yaml';
import { parseExecConfig, type ExecConfig } from './exec-credential.js';
import { readRegularFile } from './safe-read.js';

/** The merged kubeconfig, with every file it names already read, and the exec users set apart. */
export interface LoadedKubeconfig {
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext: string;
  /** Users whose credentials come from an exec plugin (or why their exec block is unusable). */
  exec: Map<string, ExecConfig | Error>;
  /**
   * The certificate and key files the kubeconfig names (`certificate-authority`, `client-certificate`,
   * `client-key`), read or not: they are inlined once, so a change to one (minikube made anew, a
   * rotated client certificate) is taken by reading the kubeconfig again. Token files are read again
   * on their own (token-file.ts).
   */
  namedFiles: string[];
}

type Doc = Record<string, unknown>;

const isMap = (x: unknown): x is Doc => typeof x === 'object' && x !== null && !Array.isArray(x);
const entries = (doc: Doc, key: string): Doc[] => (Array.isArray(doc[key]) ? (doc[key] as unknown[]).filter(isMap) : []);

/**
 * Replaces a file reference by its content (`client-certificate` → `client-certificate-data`),
 * read once, here, without blocking: client-node would otherwise read it synchronously on every
 * request, and a FIFO there would freeze the daemon.
 */
function inline(section: Doc, fileKey: string, dataKey: string | null, dir: string, where: string, named: string[]): string | null {
  const ref = section[fileKey];
  if (ref === undefined || ref === null || ref === '') return null;
  if (typeof ref !== 'string') throw new Error(`${where} ${fileKey} is not a path`);
  const path = isAbsolute(ref) ? ref : join(dir, ref);
  if (dataKey) named.push(path);
  let content: Buffer;
  try {
    content = readRegularFile(path);
  } catch (err) {
    throw new Error(`${where} ${fileKey}: ${(err as Error).message}`);
  }
  const bad = dataKey ? pemProblem(content, dataKey === 'client-key-data' ? 'key' : 'certificate') : null;
  if (bad) throw new Error(`${where} ${fileKey}: ${path} ${bad}`);
  delete section[fileKey];
  if (dataKey) section[dataKey] = content.toString('base64');
  else section.token = content.toString('utf8').trim();
  return path;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g;

/**
 * Why a certificate (or key) file's content cannot be used, or null: read while it was being written
 * (a CA file replaced in place), it was taken, the reload said "kubeconfig reloaded", and every request
 * failed TLS with "unable to verify the first certificate", naming no file.
 */
function pemProblem(content: Buffer, what: 'certificate' | 'key'): string | null {
  const text = content.toString('latin1');
  if (what === 'key') {
    try {
      createPrivateKey(text);
      return null;
    } catch {
      return 'is not a whole PEM private key (cut short, or being written?)';
    }
  }
  const blocks = text.match(PEM_CERT) ?? [];
  if (blocks.length === 0) return 'holds no whole PEM certificate (cut short, or being written?)';
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      return 'holds a PEM certificate that cannot be read (cut short, or being written?)';
    }
  }
  return null;
}

/**
 * Inlines the files one cluster or user names; a file that cannot be read makes that entry
 * unusable (its requests fail saying why), not the whole kubeconfig: kubectl reads them only for
 * the context in use, and a stale entry (a deleted minikube or kind profile) is common.
 */
function inlineAll(section: Doc, files: ReadonlyArray<[string, string | null]>, dir: string, where: string, errors: Map<number, string>, i: number, named: string[]): Map<string, string> {
  const paths = new Map<string, string>();
  try {
    for (const [fileKey, dataKey] of files) {
      const path = inline(section, fileKey, dataKey, dir, where, named);
      if (path) paths.set(fileKey, path);
    }
  } catch (err) {
    errors.set(i, (err as Error).message);
  }
  return paths;
}

function readOne(file: string, named: string[]): ReturnType<typeof fromDocument> {
  let text: string;
  try {
    text = readRegularFile(file).toString('utf8');
  } catch (err) {
    throw new Error(`kubeconfig ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (err) {
    // The parser's first line only: the rest quotes the file around the error (a token, a key).
    const first = ((err as Error).message.split('\n')[0] ?? '').replace(/:$/, '');
    throw new Error(`kubeconfig ${file} is malformed: ${first}`);
  }
  if (!isMap(doc)) throw new Error(`kubeconfig ${file} is malformed: it is not a mapping`);
  const dir = dirname(file);
  const clusterErrors = new Map<number, string>();
  const userErrors = new Map<number, string>();
  const tokenFiles = new Map<number, string>();
  entries(doc, 'clusters').forEach((c, i) => {
    if (isMap(c.cluster)) inlineAll(c.cluster, [['certificate-authority', 'certificate-authority-data']], dir, `kubeconfig ${file}: clusters[${i}] (${String(c.name)})`, clusterErrors, i, named);
  });
  entries(doc, 'users').forEach((u, i) => {
    if (!isMap(u.user)) return;
    const where = `kubeconfig ${file}: users[${i}] (${String(u.name)})`;
    if (u.user.token) delete u.user['token-file'];
    const files: Array<[string, string | null]> = [['client-certificate', 'client-certificate-data'], ['client-key', 'client-key-data'], ['token-file', null]];
    // A token-file is remembered, to be read again as it rotates (token-file.ts).
    const tokenFile = inlineAll(u.user, files, dir, where, userErrors, i, named).get('token-file');
    if (tokenFile) tokenFiles.set(i, tokenFile);
    // kubectl runs a relative command with a slash from the kubeconfig's directory.
    const exec = u.user.exec;
    if (isMap(exec) && typeof exec.command === 'string' && exec.command.includes('/') && !isAbsolute(exec.command)) exec.command = join(dir, exec.command);
  });
  let kc: ReturnType<typeof fromDocument>;
  try {
    kc = fromDocument(doc);
  } catch (err) {
    throw new Error(`kubeconfig ${file} is malformed: ${(err as Error).message}`);
  }
  // fromDocument keeps the entries in order (any entry that is not a mapping made it throw).
  return {
    ...kc,
    clusters: kc.clusters.map((c, i) => (clusterErrors.has(i) ? { ...c, error: clusterErrors.get(i)! } : c)),
    users: kc.users.map((u, i) => {
      const withFile = tokenFiles.has(i) ? { ...u, tokenFile: tokenFiles.get(i)! } : u;
      return userErrors.has(i) ? { ...withFile, error: userErrors.get(i)! } : withFile;
    }),
  };
}

/** What replaces a legacy auth-provider that client-node runs synchronously (execSync: the whole daemon would wait). */
const LEGACY_COMMAND_PROVIDERS: Record<string, string> = {
  gcp: 'gke-gcloud-auth-plugin',
  azure: 'kubelogin',
};

/** The exec blocks (also in an `exec` auth-provider) our credential provider runs. */
function execBlock(u: User): unknown {
  if (u.exec) return u.exec;
  const ap = u.authProvider as { name?: unknown; config?: { exec?: unknown } } | null | undefined;
  if (ap && (ap.name === 'exec' || ap.config?.exec)) return ap.config?.exec ?? ap.config;
  return undefined;
}

/**
 * Loads kubeconfig files as kubectl merges them (the first file to name a cluster, user or context
 * wins, and the first `current-context` set), reading every file without blocking: each must be a
 * regular file of sane size. Throws an Error naming the file and the problem.
 */
export function loadKubeconfigFiles(files: readonly string[]): LoadedKubeconfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let current = '';
  const named: string[] = [];
  for (const file of files) {
    const kc = readOne(file, named);
    for (const c of kc.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.users) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!current && kc.currentContext) current = kc.currentContext;
  }
  const exec = new Map<string, ExecConfig | Error>();
  const plainUsers: User[] = [];
  for (const u of users.values()) {
    if (u.error) {
      const { exec: _e, authProvider: _a, ...rest } = u;
      plainUsers.push(rest as User);
      continue;
    }
    const ap = u.authProvider as { name?: unknown; config?: Record<string, unknown> } | null | undefined;
    const legacy = typeof ap?.name === 'string' ? LEGACY_COMMAND_PROVIDERS[ap.name] : undefined;
    if (legacy && ap?.config?.['cmd-path']) {
      exec.set(
        u.name,
        new Error(`user '${u.name}' uses auth-provider "${String(ap.name)}" with cmd-path, which kubectl dropped in 1.26 and which would stall the daemon while it runs: use an exec credential plugin (${legacy}) instead`),
      );
      const { authProvider: _a, ...rest } = u;
      plainUsers.push(rest as User);
      continue;
    }
    // An auth-provider tokenFile is read here once: it must not be a FIFO.
    const tokenFile = ap?.config?.tokenFile;
    if (typeof tokenFile === 'string') {
      try {
        const token = readRegularFile(tokenFile).toString('utf8').trim();
        if (!u.token && token) {
          plainUsers.push({ ...u, token, tokenFile });
          continue;
        }
      } catch (err) {
        exec.set(u.name, new Error(`user '${u.name}' auth-provider tokenFile: ${(err as Error).message}`));
        const { authProvider: _a, ...rest } = u;
        plainUsers.push(rest as User);
        continue;
      }
    }
    const block = execBlock(u);
    if (block === undefined || block === null) {
      plainUsers.push(u);
      continue;
    }
    try {
      exec.set(u.name, parseExecConfig(block, `user '${u.name}'`));
    } catch (err) {
      exec.set(u.name, err as Error);
    }
    const { exec: _e, authProvider: _a, ...rest } = u;
    plainUsers.push(rest as User);
  }
  return { clusters: [...clusters.values()], users: plainUsers, contexts: [...contexts.values()], currentContext: current, exec, namedFiles: [...new Set(named)] };
}
