import { describe, expect, it } from 'vitest';
import { fromDocument } from '../../src/kube/kubeconfig.js';

const doc = (cluster: Record<string, unknown>, user: Record<string, unknown>) => ({
  clusters: [{ name: 'c', cluster: { server: 'api.example.com:6443', ...cluster } }],
  users: [{ name: 'u', user }],
  contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
  'current-context': 'ctx',
});
const serverOf = (cluster: Record<string, unknown>, user: Record<string, unknown>): string => fromDocument(doc(cluster, user)).clusters[0]!.server;

describe('a server written without a scheme, as kubectl reads it', () => {
  it('is https with a CA, with insecure-skip-tls-verify, or used with a client certificate', () => {
    expect(serverOf({ 'certificate-authority-data': 'Q0E=' }, { token: 't' })).toBe('https://api.example.com:6443');
    expect(serverOf({ 'insecure-skip-tls-verify': true }, { token: 't' })).toBe('https://api.example.com:6443');
    // client-go's defaultServerUrlFor: hasCA || hasCert || Insecure. The certificate is the user's.
    expect(serverOf({}, { 'client-certificate-data': 'Q0VSVA==', 'client-key-data': 'S0VZ' })).toBe('https://api.example.com:6443');
  });

  it('is http with none of them; a server with a scheme stays as written', () => {
    expect(serverOf({}, { token: 't' })).toBe('http://api.example.com:6443');
    expect(serverOf({ server: 'http://api.example.com:6443' }, { 'client-certificate-data': 'Q0VSVA==' })).toBe('http://api.example.com:6443');
  });

  it('a cluster shared by contexts is https when any of them presents a certificate there', () => {
    const d = doc({}, { token: 't' });
    d.users.push({ name: 'certified', user: { 'client-certificate-data': 'Q0VSVA==' } });
    d.contexts.push({ name: 'other', context: { cluster: 'c', user: 'certified' } });
    expect(fromDocument(d).clusters[0]!.server).toBe('https://api.example.com:6443');
  });
});
