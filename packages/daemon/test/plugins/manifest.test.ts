import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MANIFEST_SECTION, readManifest, withManifest } from '../../src/plugins/manifest.js';
import { compilePlugin } from '../../src/plugins/plugin-module.js';
import { fixture } from './helpers.js';

const ECHO = new Uint8Array(readFileSync(fixture('echo')));
const UNGRANTED = new Uint8Array(readFileSync(fixture('ungranted-import')));

/** A module with a raw custom section (for payloads withManifest would not write). */
function withSection(bytes: Uint8Array, name: string, payload: Uint8Array): Uint8Array {
  const n = new TextEncoder().encode(name);
  const body = new Uint8Array([n.byteLength, ...n, ...payload]);
  const size: number[] = [];
  let v = body.byteLength;
  do {
    size.push((v & 0x7f) | (v >>> 7 ? 0x80 : 0));
    v >>>= 7;
  } while (v);
  return new Uint8Array([...bytes, 0, ...size, ...body]);
}
const json = (x: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(x));

describe('the kubetile.manifest section', () => {
  it('is absent from a plain module, and read back as written', () => {
    expect(readManifest(ECHO)).toBeNull();
    const m = { permissions: { 'k8s:list:pods': 'counts pods', 'clipboard:write': 'copies a name' } };
    expect(readManifest(withManifest(ECHO, m))).toEqual(m);
  });

  it('refuses a bad manifest, naming what is wrong', () => {
    const bad = (payload: Uint8Array): string => {
      try {
        readManifest(withSection(ECHO, MANIFEST_SECTION, payload));
        return 'accepted';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(bad(new TextEncoder().encode('{nope'))).toMatch(/^its kubetile\.manifest section is not UTF-8 JSON/);
    expect(bad(json({ permissions: { 'k8s:destroy:all': 'why not' } }))).toContain("unknown permission 'k8s:destroy:all'");
    expect(bad(json({ permissions: { 'k8s:list:pods': 'line one\nline two' } }))).toContain('control characters');
    expect(bad(json({ permissions: { 'k8s:list:pods': '\u001b]52;c;aGk=\u0007' } }))).toContain('control characters');
    expect(bad(json({ permissions: { 'k8s:list:pods': '' } }))).toContain('must not be empty');
    // A right-to-left override would make the dialog read differently from what the plugin asks.
    expect(bad(json({ permissions: { 'k8s:list:pods': 'harmless \u202eseirc' } }))).toContain('bidirectional overrides');
    expect(bad(json({ permissions: { 'k8s:list:pods': 'x'.repeat(201) } }))).toContain('at most 200 characters');
    expect(bad(json({ permissions: {}, extra: 1 }))).toContain('invalid');
    expect(bad(new Uint8Array(16 * 1024 + 1).fill(0x20))).toContain('over the 16384-byte limit');
  });

  it('with a manifest the module asks for exactly its permissions; an import it does not cover is refused', async () => {
    const asked = await compilePlugin('x.wasm', withManifest(ECHO, { permissions: { 'k8s:list:pods': 'counts pods' } }), []);
    expect(asked.requested).toEqual(['k8s:list:pods']);
    const plain = await compilePlugin('x.wasm', ECHO, ['clipboard:write']);
    expect(plain.requested).toEqual(['clipboard:write']);
    // ungranted-import imports get_secret; its manifest asks only for list_pods' permission.
    await expect(compilePlugin('x.wasm', withManifest(UNGRANTED, { permissions: { 'k8s:list:pods': 'counts pods' } }), ['k8s:get:secrets'])).rejects.toThrow(
      "it imports kubetile::get_secret, which needs the permission 'k8s:get:secrets' (not asked for in its kubetile.manifest section)",
    );
    await expect(compilePlugin('x.wasm', withSection(ECHO, MANIFEST_SECTION, json({ permissions: { nope: 'x' } })), [])).rejects.toThrow("refused: its kubetile.manifest section asks for unknown permission 'nope'");
  });
});
