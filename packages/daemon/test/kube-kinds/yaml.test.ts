import { describe, expect, it } from 'vitest';
import { highlightYaml, renderYaml } from '../../src/kube/render/index.js';
import { configMap } from './fixtures/objects.js';
import { runningPod } from './fixtures/pods.js';
import { expectValidLines, styleAt, texts } from './lines-check.js';

describe('renderYaml', () => {
  it('hides managedFields by default and shows them when asked', () => {
    const hidden = texts(renderYaml(runningPod, { showManagedFields: false }));
    expect(hidden.some((t) => t.includes('managedFields'))).toBe(false);
    expect(hidden.some((t) => t.includes('kube-controller-manager'))).toBe(false);
    const shown = texts(renderYaml(runningPod, { showManagedFields: true }));
    expect(shown).toContain('  managedFields:');
    expect(shown).toContain('    - manager: kube-controller-manager');
    // the input is not mutated
    expect(runningPod.metadata.managedFields).toHaveLength(1);
  });

  it('prints plain YAML lines, no line numbers, spans concatenating to the text', () => {
    const lines = renderYaml(runningPod, { showManagedFields: false });
    expect(lines[0]?.text).toBe('apiVersion: v1');
    expect(texts(lines)).toContain('  resourceVersion: "4711"');
    expectValidLines(lines);
  });

  it('styles keys, strings, numbers, booleans, null, list markers and block scalars', () => {
    const lines = renderYaml(
      { metadata: { name: 'web' }, spec: { replicas: 3, paused: false, ratio: 0.5, nothing: null, empty: {}, items: ['a', 'b'] }, data: { 'nginx.conf': 'server {\n  listen 80;\n}\n' } },
      { showManagedFields: false },
    );
    expectValidLines(lines);
    expect(styleAt(lines, 'metadata')).toBe('accent');
    expect(styleAt(lines, 'name')).toBe('accent');
    expect(styleAt(lines, 'web')).toBe('ok');
    expect(styleAt(lines, ' 3')).toBe('warn');
    expect(styleAt(lines, '0.5')).toBe('warn');
    expect(styleAt(lines, 'false')).toBe('dim');
    expect(styleAt(lines, ' null')).toBe('dim');
    expect(styleAt(lines, '{}')).toBe('dim');
    expect(styleAt(lines, '- a')).toBe('dim');
    const a = lines.find((l) => l.text.endsWith('- a'));
    expect(a?.spans?.map((s) => [s.text, s.style])).toEqual([
      ['    ', undefined],
      ['- ', 'dim'],
      ['a', 'ok'],
    ]);
    // block scalar body lines are string-coloured, and what follows is parsed normally again
    expect(styleAt(lines, 'listen 80;')).toBe('ok');
    expect(styleAt(lines, 'nginx.conf')).toBe('accent');
  });

  it('quoted strings and comments', () => {
    const lines = highlightYaml('# a comment\nkey: "quoted: value" # not parsed as comment\n"a: b": 1\n- "x"');
    expectValidLines(lines);
    expect(lines[0]?.style).toBe('dim');
    expect(styleAt(lines, 'key')).toBe('accent');
    expect(styleAt(lines, '"quoted')).toBe('ok');
    expect(styleAt(lines, '"a: b"')).toBe('accent');
    expect(styleAt(lines, ' 1')).toBe('warn');
    expect(styleAt(lines, '"x"')).toBe('ok');
  });

  it('does not throw on odd input', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular['self'] = circular;
    const shared = { x: 1 };
    const odd: unknown[] = [
      undefined,
      null,
      42,
      'text',
      true,
      [],
      {},
      circular,
      { big: 10n, f: () => 1, s: Symbol('s'), d: new Date(0), nan: Number.NaN, u: undefined },
      { a: shared, b: shared },
      { metadata: 'not an object' },
      { metadata: null, managedFields: 3 },
    ];
    for (const v of odd) {
      const lines = renderYaml(v, { showManagedFields: false });
      expect(lines.length).toBeGreaterThan(0);
      expectValidLines(lines);
    }
    expect(texts(renderYaml(circular, { showManagedFields: false }))).toContain('self: "[Circular]"');
    // Nesting past 100 levels (an API server takes 10,000) is cut, and says so rather than calling it a cycle.
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { n: deep };
    const cut = texts(renderYaml({ spec: deep }, { showManagedFields: false }));
    expect(cut).toHaveLength(101);
    expect(cut.at(-1)!.trim()).toBe('n: "[nested more than 100 levels deep: not shown]"');
    // shared sub-objects are written out, not as YAML anchors/aliases
    expect(texts(renderYaml({ a: shared, b: shared }, { showManagedFields: false })).join('\n')).not.toMatch(/[&*]a/);
  });

  it('renders a ConfigMap with a multi-line value', () => {
    const lines = renderYaml(configMap, { showManagedFields: false });
    expect(texts(lines)).toEqual(expect.arrayContaining(['data:', '  nginx.conf: |', '    server {', '      listen 80;', '    }', '  MODE: prod']));
  });
});
