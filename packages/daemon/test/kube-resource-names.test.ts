import { describe, expect, it } from 'vitest';
import { collectionPath } from '../src/kube/kube-http.js';
import { compareResourceVersions, wentBackwards } from '../src/kube/resource-version.js';
import { refOf, resolveKind } from '../src/panes/resource/kind-resolution.js';

describe('resourceVersion order', () => {
  it('compares decimal resourceVersions by value, and refuses to compare opaque ones', () => {
    expect(compareResourceVersions('9', '10')).toBe(-1);
    expect(compareResourceVersions('100', '100')).toBe(0);
    expect(compareResourceVersions('0100', '99')).toBe(1);
    expect(compareResourceVersions('12345678901234567890', '12345678901234567891')).toBe(-1);
    expect(compareResourceVersions('abc', '1')).toBeNull();
    expect(wentBackwards('100', '50')).toBe(true);
    expect(wentBackwards('100', '101')).toBe(false);
    expect(wentBackwards('x', '1')).toBe(false);
  });
});

describe('resource-list args', () => {
  it('built-ins by any name; a discovered kind from group/version/kindName, remembering which args named it', () => {
    expect(refOf(resolveKind({ kind: 'po' }))).toEqual({ group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true });
    expect(refOf(resolveKind({ kind: 'databases', kindName: 'Database', group: 'kubetile.dev', version: 'v1alpha1', namespaced: true }))).toEqual({
      group: 'kubetile.dev',
      version: 'v1alpha1',
      plural: 'databases',
      kind: 'Database',
      namespaced: true,
      origin: { plural: 'args.kind', groupVersion: 'args.group, args.version' },
    });
    // a built-in name with another group version is that group version's resource, checked by discovery
    expect(refOf(resolveKind({ kind: 'secrets', group: 'apps', version: 'v1' }))).toMatchObject({ group: 'apps', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true });
  });

  it('refuses anything that is not a plain name, naming the arg', () => {
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ kind: 'foo', kindName: 'Foo', version: 'v1/namespaces/shop/secrets?x=' }, /^args\.version "v1\/namespaces\/shop\/secrets\?x=" is not an API version/],
      [{ kind: 'pods', version: '../v1' }, /^args\.version/],
      [{ kind: '../..', kindName: 'X', version: 'v1' }, /^args\.kind "\.\.\/\.\." is not a resource name/],
      [{ kind: 'x', plural: '../..', kindName: 'X', version: 'v1' }, /^args\.plural "\.\.\/\.\." is not a resource name/],
      [{ kind: 'x', plural: 'Pods', kindName: 'X', version: 'v1' }, /^args\.plural "Pods"/],
      [{ kind: 'x', kindName: 'X', group: 'apps/../../api', version: 'v1' }, /^args\.group "apps\/\.\.\/\.\.\/api" is not an API group/],
      [{ kind: 'x', kindName: 'X', group: 'a%2Fb', version: 'v1' }, /^args\.group/],
      [{ kind: 'x', kindName: 'X', group: 7, version: 'v1' }, /^args\.group 7 is not an API group/],
      [{ kind: 'x', kindName: 'X/../y', version: 'v1' }, /^args\.kindName "X\/\.\.\/y" is not a kind/],
      [{ kind: 'x', kindName: 'X', version: 'v1', namespaced: 'yes' }, /^args\.namespaced "yes" is not true or false/],
      [{ kind: 'x', kindName: 'X', version: `v${'1'.repeat(80)}` }, /^args\.version "v1{79}…"/],
    ];
    for (const [args, want] of bad) expect(() => resolveKind(args), JSON.stringify(args)).toThrow(want);
  });

  it('the kube layer never builds a path from a name that is not a plain segment', () => {
    expect(collectionPath({ group: '', version: 'v1', plural: 'pods', namespaced: true }, 'shop')).toBe('/api/v1/namespaces/shop/pods');
    expect(collectionPath({ group: 'apps', version: 'v1', plural: 'deployments', namespaced: true }, null)).toBe('/apis/apps/v1/deployments');
    expect(() => collectionPath({ group: '', version: 'v1', plural: 'pods', namespaced: true }, '..')).toThrow(/namespace "\.\." is not a namespace name/);
    expect(() => collectionPath({ group: '', version: 'v1/namespaces/shop/secrets?x=', plural: 'foo', namespaced: true }, null)).toThrow(/refusing to build a request: version/);
    expect(() => collectionPath({ group: '', version: 'v1', plural: '..', namespaced: false }, null)).toThrow(/plural "\.\." is not a resource name/);
  });
});
