import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfigFiles } from '../src/kube/kubeconfig-load.js';
import { readRegularFile } from '../src/kube/safe-read.js';
import { generateTls, type TlsMaterial } from '../../kube-sim/src/tls/ca.js';

/** Real PEM material: the files a kubeconfig names must hold whole certificates and keys. */
let tls: TlsMaterial;
beforeAll(async () => {
  tls = await generateTls();
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kt-kc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, doc: unknown): string => {
  const p = join(dir, name);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return p;
};
const config = (name: string, extra: { users?: unknown[]; clusters?: unknown[] } = {}) => ({
  apiVersion: 'v1',
  kind: 'Config',
  'current-context': name,
  clusters: extra.clusters ?? [{ name, cluster: { server: `https://${name}:6443` } }],
  users: extra.users ?? [{ name, user: { token: `tok-${name}` } }],
  contexts: [{ name, context: { cluster: name, user: name, namespace: `ns-${name}` } }],
});

describe('readRegularFile', () => {
  it('refuses FIFOs, directories and devices before reading, and huge files', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readRegularFile(fifo)).toThrow(`${fifo} is not a regular file (a FIFO)`);
    expect(() => readRegularFile(dir)).toThrow(/is not a regular file \(a directory\)/);
    expect(() => readRegularFile('/dev/zero')).toThrow(/is not a regular file \(a character device\)/);
    expect(() => readRegularFile(join(dir, 'missing'))).toThrow(/does not exist/);
    const big = write('big', 'x'.repeat(2000));
    expect(() => readRegularFile(big, 1000)).toThrow(/is too big \(2000 bytes; at most 1000\)/);
    expect(readRegularFile(big).length).toBe(2000);
  });
});

describe('loadKubeconfigFiles', () => {
  it('merges like kubectl: the first file to name something wins, and the first current-context', () => {
    const a = write('a', config('alpha'));
    const b = write('b', { ...config('beta'), users: [{ name: 'alpha', user: { token: 'other' } }, { name: 'beta', user: { token: 'tok-beta' } }] });
    const l = loadKubeconfigFiles([a, b]);
    expect(l.currentContext).toBe('alpha');
    expect(l.contexts.map((c) => c.name)).toEqual(['alpha', 'beta']);
    expect(l.users.find((u) => u.name === 'alpha')?.token).toBe('tok-alpha');
  });

  it('inlines the files it names (relative to the kubeconfig), so no request ever reads a file', () => {
    mkdirSync(join(dir, 'certs'));
    writeFileSync(join(dir, 'certs', 'ca.crt'), tls.caCert);
    writeFileSync(join(dir, 'certs', 'c.crt'), tls.cert);
    writeFileSync(join(dir, 'certs', 'c.key'), tls.key);
    writeFileSync(join(dir, 'token'), 'sekrit\n');
    const f = write('kc', config('x', {
      clusters: [{ name: 'x', cluster: { server: 'https://x', 'certificate-authority': 'certs/ca.crt' } }],
      users: [{ name: 'x', user: { 'client-certificate': 'certs/c.crt', 'client-key': join(dir, 'certs', 'c.key'), 'token-file': 'token' } }],
    }));
    const l = loadKubeconfigFiles([f]);
    expect(l.clusters[0]).toMatchObject({ caData: Buffer.from(tls.caCert).toString('base64') });
    expect((l.clusters[0] as unknown as Record<string, unknown>).caFile).toBeFalsy();
    expect(l.users[0]).toMatchObject({ certData: Buffer.from(tls.cert).toString('base64'), keyData: Buffer.from(tls.key).toString('base64'), token: 'sekrit' });
    expect((l.users[0] as unknown as Record<string, unknown>).certFile).toBeFalsy();
    expect(l.namedFiles.sort()).toEqual([join(dir, 'certs', 'ca.crt'), join(dir, 'certs', 'c.crt'), join(dir, 'certs', 'c.key')].sort());
  });

  it('a certificate or key file read half-written (replaced in place) makes its entry unusable, naming the file', () => {
    const ca = join(dir, 'ca.crt');
    const key = join(dir, 'c.key');
    // The first 40 characters of a CA being written; a key cut in half.
    writeFileSync(ca, tls.caCert.slice(0, 40));
    writeFileSync(key, tls.key.slice(0, Math.floor(tls.key.length / 2)));
    const f = write('kc', config('x', {
      clusters: [{ name: 'x', cluster: { server: 'https://x', 'certificate-authority': ca } }],
      users: [{ name: 'x', user: { 'client-key': key, token: 't' } }],
    }));
    const l = loadKubeconfigFiles([f]);
    expect(l.clusters[0]!.error).toBe(`kubeconfig ${f}: clusters[0] (x) certificate-authority: ${ca} holds no whole PEM certificate (cut short, or being written?)`);
    expect(l.users[0]!.error).toBe(`kubeconfig ${f}: users[0] (x) client-key: ${key} is not a whole PEM private key (cut short, or being written?)`);
    // A whole header and footer around a cut body: still refused.
    writeFileSync(ca, tls.caCert.replace(/\n[A-Za-z0-9+/=]+\n-----END/, '\n-----END'));
    expect(loadKubeconfigFiles([f]).clusters[0]!.error).toMatch(/certificate-authority: .* holds a PEM certificate that cannot be read/);
  });

  it('names the kubeconfig, the entry and the file when a named file is a FIFO', () => {
    execFileSync('mkfifo', [join(dir, 'tok')]);
    const f = write('kc', config('x', { users: [{ name: 'x', user: { 'token-file': 'tok' } }] }));
    expect(loadKubeconfigFiles([f]).users[0]!.error).toBe(`kubeconfig ${f}: users[0] (x) token-file: ${join(dir, 'tok')} is not a regular file (a FIFO)`);
  });

  it('says which file is malformed', () => {
    const f = write('kc', 'clusters: [this is: not valid\n');
    expect(() => loadKubeconfigFiles([f])).toThrow(new RegExp(`^kubeconfig ${f} is malformed: `));
    const g = write('kc2', '- just\n- a list\n');
    expect(() => loadKubeconfigFiles([g])).toThrow(/is malformed: it is not a mapping/);
  });

  it('takes exec users over from client-node (relative commands from the kubeconfig directory); a bad block is kept as its error', () => {
    const f = write('kc', config('x', {
      users: [
        { name: 'x', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: './bin/get-token', args: ['--fast'] } } },
        { name: 'y', user: { exec: { command: 42 } } },
      ],
    }));
    const l = loadKubeconfigFiles([f]);
    expect(l.users.every((u) => !u.exec)).toBe(true);
    expect(l.exec.get('x')).toMatchObject({ command: join(dir, 'bin/get-token'), args: ['--fast'] });
    expect(l.exec.get('y')).toBeInstanceOf(Error);
    expect((l.exec.get('y') as Error).message).toMatch(/^user 'y'\.exec\.command: /);
  });

  it('refuses the legacy gcp/azure auth-providers that client-node runs with execSync, and a FIFO tokenFile, for that user only', () => {
    execFileSync('mkfifo', [join(dir, 'tokfifo')]);
    const f = write('kc', config('x', {
      users: [
        { name: 'x', user: { 'auth-provider': { name: 'gcp', config: { 'cmd-path': '/usr/bin/gcloud', 'cmd-args': 'config config-helper' } } } },
        { name: 'y', user: { 'auth-provider': { name: 'file', config: { tokenFile: join(dir, 'tokfifo') } } } },
      ],
    }));
    const l = loadKubeconfigFiles([f]);
    expect((l.exec.get('x') as Error).message).toMatch(/auth-provider "gcp" with cmd-path, which kubectl dropped in 1\.26 .* use an exec credential plugin \(gke-gcloud-auth-plugin\)/);
    expect((l.exec.get('y') as Error).message).toMatch(/auth-provider tokenFile: .*tokfifo is not a regular file \(a FIFO\)/);
    expect(l.users.every((u) => !u.authProvider)).toBe(true);
  });
});
