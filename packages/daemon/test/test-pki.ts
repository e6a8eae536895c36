import { generate } from 'selfsigned';

/**
 * A test CA, a server certificate it signed (for localhost and api.internal, not 127.0.0.1), a
 * client certificate it signed (CN dev), and another CA that signed neither: for TLS servers that
 * require a client certificate, and kubeconfigs that trust the right or the wrong CA.
 */
export interface Pki {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  otherCa: string;
}

export async function makePki(): Promise<Pki> {
  const now = new Date(Date.now() - 3600_000);
  const later = new Date(Date.now() + 24 * 3600_000);
  const base = { keyType: 'ec' as const, curve: 'P-256' as const, algorithm: 'sha256' as const, notBeforeDate: now, notAfterDate: later };
  const asCa = (name: string) =>
    generate([{ name: 'commonName', value: name }], {
      ...base,
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true },
      ],
    });
  const ca = await asCa('test-ca');
  const other = await asCa('other-ca');
  const server = await generate([{ name: 'commonName', value: 'api' }], {
    ...base,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 2, value: 'api.internal' }] },
    ],
  });
  const client = await generate([{ name: 'commonName', value: 'dev' }], {
    ...base,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [{ name: 'basicConstraints', cA: false }, { name: 'extKeyUsage', clientAuth: true }],
  });
  return { ca: ca.cert, serverCert: server.cert, serverKey: server.private, clientCert: client.cert, clientKey: client.private, otherCa: other.cert };
}
