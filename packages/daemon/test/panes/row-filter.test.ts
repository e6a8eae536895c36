import { describe, expect, it } from 'vitest';
import { matches, parseSelectorText } from '../../src/kube/label-selector.js';
import { compileFilter } from '../../src/panes/resource/row-filter.js';
import type { KubeObject } from '../../src/kube/types.js';

const obj = (labels?: Record<string, string>): KubeObject => ({ metadata: { name: 'x', uid: 'u', ...(labels ? { labels } : {}) } });
const selects = (selector: string, labels?: Record<string, string>): boolean => matches(parseSelectorText(selector), labels);

/** kubectl's -l syntax, matched as the API server matches it. */
describe('label selectors', () => {
  it('equality, inequality, sets, existence; all must hold; empty selects all', () => {
    const web = { app: 'web', tier: 'fe', 'example.com/team': 'shop' };
    expect(selects('', web)).toBe(true);
    expect(selects('', undefined)).toBe(true);
    expect(selects('app=web', web)).toBe(true);
    expect(selects('app==web', web)).toBe(true);
    expect(selects('app=Web', web)).toBe(false);
    expect(selects('app!=web', web)).toBe(false);
    expect(selects('app!=db', web)).toBe(true);
    expect(selects('missing!=x', web)).toBe(true);
    expect(selects('app in (db, web)', web)).toBe(true);
    expect(selects('app notin (db,web)', web)).toBe(false);
    expect(selects('missing notin (a)', web)).toBe(true);
    expect(selects('missing in (a)', web)).toBe(false);
    expect(selects('tier', web)).toBe(true);
    expect(selects('!tier', web)).toBe(false);
    expect(selects('!canary', web)).toBe(true);
    expect(selects('example.com/team=shop, app=web', web)).toBe(true);
    expect(selects('app=web,tier=be', web)).toBe(false);
    expect(selects('app=', { app: '' })).toBe(true);
  });

  it('a selector that does not parse names the term and why', () => {
    expect(() => parseSelectorText('app in')).toThrow(/'app in': in takes values in parentheses/);
    expect(() => parseSelectorText('app in (')).toThrow(/in takes values in parentheses/);
    expect(() => parseSelectorText('app in ()')).toThrow(/needs at least one value/);
    expect(() => parseSelectorText('app=web,')).toThrow(/an empty requirement/);
    expect(() => parseSelectorText('app=we b')).toThrow(/'we b' in 'app=we b' is not a label value/);
    expect(() => parseSelectorText('bad key=x')).toThrow(/not a requirement/);
    expect(() => parseSelectorText('-x=1')).toThrow(/'-x' in '-x=1' is not a label key/);
    expect(() => parseSelectorText(`a=${'v'.repeat(64)}`)).toThrow(/is not a label value/);
  });
});

/** What the `/` filter means: `-l` labels, `!` not containing, else containing. */
describe('row filters', () => {
  it('plain text is the lower-cased fast path; -l and ! match through a function; a bad selector matches nothing and says why', () => {
    expect(compileFilter('Web')).toEqual({ key: 'web', text: 'web', match: null, error: null });
    const labels = compileFilter('-l app=web');
    expect(labels.text).toBeNull();
    expect(labels.match!(obj({ app: 'web' }), () => '')).toBe(true);
    expect(labels.match!(obj({ app: 'db' }), () => 'app=web')).toBe(false);
    // Label values keep their case; keys of two selectors differing in case differ.
    expect(compileFilter('-l app=Web').key).not.toBe(labels.key);
    const not = compileFilter('!Web');
    expect(not.match!(obj(), () => 'my-web-1')).toBe(false);
    expect(not.match!(obj(), () => 'db-1')).toBe(true);
    const bad = compileFilter('-l app in (');
    expect(bad.error).toMatch(/^label selector: 'app in \(': in takes values in parentheses/);
    expect(bad.match!(obj({ app: 'web' }), () => '')).toBe(false);
    // `-l` alone is the empty selector; `-lx` and `!` alone are plain text.
    expect(compileFilter('-l').match!(obj(), () => '')).toBe(true);
    expect(compileFilter('-lx').text).toBe('-lx');
    expect(compileFilter('!').text).toBe('!');
  });
});
