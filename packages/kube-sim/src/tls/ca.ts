/**
 * A throw-away CA and a serving certificate signed by it (checklist A1), made in pure JS with
 * `selfsigned` (EC P-256), so a fresh machine needs no openssl.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

export async function generateTls(hosts: readonly string[] = []): Promise<TlsMaterial> {
  const now = new Date(Date.now() - 3600_000);
  const ca = await generate([{ name: 'commonName', value: 'kube-sim-ca' }, { name: 'organizationName', value: 'kube-sim' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 10 * YEAR_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const dns = ['localhost', 'kube-sim', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
  const ips = ['127.0.0.1', '::1'];
  for (const h of hosts) {
    if (/^[\d.]+$/.test(h) || h.includes(':')) {
      if (!ips.includes(h)) ips.push(h);
    } else if (!dns.includes(h)) dns.push(h);
  }
  const leaf = await generate([{ name: 'commonName', value: 'kube-sim' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 5 * YEAR_MS),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...dns.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  return { caCert: ca.cert, caKey: ca.private, cert: leaf.cert, key: leaf.private };
}

/** Loads TLS material from `dir` when present, else generates and saves it there (mode 0600). */
export async function loadOrCreateTls(dir: string | undefined, hosts: readonly string[] = []): Promise<TlsMaterial> {
  if (!dir) return generateTls(hosts);
  const files = { caCert: 'ca.crt', caKey: 'ca.key', cert: 'server.crt', key: 'server.key' } as const;
  const paths = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, join(dir, f)])) as Record<keyof TlsMaterial, string>;
  if (Object.values(paths).every((p) => existsSync(p))) {
    return { caCert: readFileSync(paths.caCert, 'utf8'), caKey: readFileSync(paths.caKey, 'utf8'), cert: readFileSync(paths.cert, 'utf8'), key: readFileSync(paths.key, 'utf8') };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tls = await generateTls(hosts);
  for (const k of Object.keys(files) as Array<keyof TlsMaterial>) writeFileSync(paths[k], tls[k], { mode: 0o600 });
  return tls;
}
