import { describe, expect, it } from 'vitest';
import { renderDecodedSecret, secretText } from '../../src/kube/render/secret-decoded.js';
import type { KubeObject } from '../../src/kube/types.js';

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
const secret = (data: Record<string, unknown>, type = 'Opaque'): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns', uid: 'u' }, type, data });
const text = (o: KubeObject): string[] => renderDecodedSecret(o).map((l) => l.text);

/** k9s's decoded Secret: text as text, several lines as a block, anything else counted, never sent to the terminal raw. */
describe('a decoded Secret', () => {
  it('shows its type, then each key in order: one line, a block, or what it is', () => {
    expect(
      text(
        secret(
          {
            username: b64('shop'),
            'tls.crt': b64('-----BEGIN CERTIFICATE-----\r\nMIIB\r\n-----END CERTIFICATE-----\n'),
            blob: b64(Buffer.from([0xff, 0xfe, 0x00, 0x10])),
            title: b64('\x1b]0;owned\x07'),
            broken: 'not*base64!',
            empty: '',
          },
          'kubernetes.io/tls',
        ),
      ),
    ).toEqual([
      'type: kubernetes.io/tls',
      '',
      'blob: <binary, 4 bytes>',
      'broken: <not base64 text>',
      'empty: ',
      'title: <binary, 10 bytes>',
      'tls.crt: |',
      '  -----BEGIN CERTIFICATE-----',
      '  MIIB',
      '  -----END CERTIFICATE-----',
      'username: shop',
    ]);
  });

  it('says when there is no data, and cuts a huge value with a count', () => {
    expect(text(secret({}))).toEqual(['type: Opaque', '', '(no data)']);
    const lines = text(secret({ big: b64('x'.repeat(70_000)) }));
    expect(lines[2]).toBe(`big: ${'x'.repeat(65_536)}`);
    expect(lines[3]).toBe('  … 4,464 more characters');
  });

  it('text is UTF-8 without control characters (tabs and newlines allowed)', () => {
    expect(secretText(Buffer.from('héllo\tworld\n'))).toBe('héllo\tworld\n');
    expect(secretText(Buffer.from([0xc3, 0x28]))).toBeNull();
    expect(secretText(Buffer.from('a\u009bb'))).toBeNull();
    expect(secretText(Buffer.from('bell\u0007'))).toBeNull();
  });
});
