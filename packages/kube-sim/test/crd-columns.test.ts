// CRD additionalPrinterColumns in Table output, cell by cell as kube-apiserver's CRD table
// convertor (apiextensions tableconvertor, cellForJSONValue) makes them: `date` as an age,
// `integer` truncated, `number` as a float, `boolean` only from booleans, `string` printed by
// JSONPath (numbers as Go's %v, maps and lists as JSON, only the first of several results,
// JSON null as "<no value>"); a wrong type is null. The expected row is what a real
// kube-apiserver v1.20.2 returned for the same CRD and object.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { KubeSim } from '../src/index.js';
import { raw, startSim, stopAll } from './helpers.js';
import { haveKubectl, kubectlRunner } from './kubectl-runner.js';

afterEach(stopAll);

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const DAY = 86_400_000;

const COLUMNS = [
  { name: 'When', type: 'date', jsonPath: '.spec.when' },
  { name: 'BadWhen', type: 'date', jsonPath: '.spec.bad' },
  { name: 'EmptyWhen', type: 'date', jsonPath: '.spec.empty' },
  { name: 'NumWhen', type: 'date', jsonPath: '.spec.count' },
  { name: 'Count', type: 'integer', jsonPath: '.spec.count' },
  { name: 'FloatAsInt', type: 'integer', jsonPath: '.spec.ratio' },
  { name: 'StrAsInt', type: 'integer', jsonPath: '.spec.name' },
  { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio' },
  { name: 'IntAsNum', type: 'number', jsonPath: '.spec.count' },
  { name: 'On', type: 'boolean', jsonPath: '.spec.on' },
  { name: 'StrAsBool', type: 'boolean', jsonPath: '.spec.name' },
  { name: 'Name2', type: 'string', jsonPath: '.spec.name' },
  { name: 'NumAsStr', type: 'string', jsonPath: '.spec.ratio' },
  { name: 'IntAsStr', type: 'string', jsonPath: '.spec.count' },
  { name: 'BoolAsStr', type: 'string', jsonPath: '.spec.on' },
  { name: 'MapAsStr', type: 'string', jsonPath: '.spec.map' },
  { name: 'ListAsStr', type: 'string', jsonPath: '.spec.list' },
  { name: 'Star', type: 'string', jsonPath: '.spec.items[*].n' },
  { name: 'Missing', type: 'string', jsonPath: '.spec.nothing' },
  { name: 'NullVal', type: 'string', jsonPath: '.spec.nullv' },
  { name: 'Big', type: 'string', jsonPath: '.spec.big' },
  { name: 'Million', type: 'string', jsonPath: '.spec.million' },
  { name: 'Tiny', type: 'string', jsonPath: '.spec.tiny' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Fmt', type: 'string', format: 'byte', description: 'described', priority: 1, jsonPath: '.spec.name' },
];

function widgetCrd(columns: unknown[] | undefined) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{
        name: 'v1', served: true, storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        ...(columns ? { additionalPrinterColumns: columns } : {}),
      }],
    },
  };
}

async function widgetSim(columns: unknown[] | undefined): Promise<KubeSim> {
  const { sim } = await startSim();
  sim.createObject(widgetCrd(columns));
  // 3 days, 5 hours and 10 minutes ago: "3d5h".
  const when = new Date(Date.now() - 3 * DAY - 5 * 3_600_000 - 600_000).toISOString();
  sim.createObject({
    apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' },
    spec: {
      when, bad: 'yesterday', empty: '', count: 7, ratio: 2.75, on: true, name: 'widget-one',
      map: { z: 1, a: 'b<c>' }, list: [1, 'two', { k: 'v' }], items: [{ n: 'first' }, { n: 'second' }],
      nullv: null, big: 1e21, million: 1234567.5, tiny: 0.00001,
    },
  });
  return sim;
}

interface Table {
  columnDefinitions: Array<{ name: string; type: string; format: string; description: string; priority: number }>;
  rows: Array<{ cells: unknown[] }>;
}

describe('CRD printer columns', () => {
  it('format every column type as the apiserver does', async () => {
    const sim = await widgetSim(COLUMNS);
    const r = await raw(sim, 'GET', '/apis/example.com/v1/namespaces/default/widgets', { headers: { Accept: TABLE } });
    expect(r.status).toBe(200);
    const t = r.json<Table>();
    const cells = t.rows[0]?.cells ?? [];
    expect(cells.slice(0, -2)).toEqual([
      'w', '3d5h', '<invalid>', '<unknown>', null,
      7, 2, null,
      2.75, 7,
      true, null,
      'widget-one', '2.75', '7', 'true', '{"a":"b\\u003cc\\u003e","z":1}', '[1,"two",{"k":"v"}]', 'first', null, '<no value>', '1e+21', '1.2345675e+06', '1e-05',
    ]);
    expect(cells.at(-2)).toMatch(/^\d+s$/);
    expect(cells.at(-1)).toBe('widget-one');
    expect(t.columnDefinitions[1]).toEqual({ name: 'When', type: 'date', format: '', description: 'Custom resource definition column (in JSONPath format): .spec.when', priority: 0 });
    expect(t.columnDefinitions.at(-1)).toEqual({ name: 'Fmt', type: 'string', format: 'byte', description: 'described', priority: 1 });
  });

  it('without printer columns: Name and Age (an age, with the creationTimestamp description)', async () => {
    const sim = await widgetSim(undefined);
    const t = (await raw(sim, 'GET', '/apis/example.com/v1/namespaces/default/widgets/w', { headers: { Accept: TABLE } })).json<Table>();
    expect(t.columnDefinitions.map((c) => `${c.name}:${c.type}`)).toEqual(['Name:string', 'Age:date']);
    expect(t.columnDefinitions[1]?.description).toMatch(/^CreationTimestamp is a timestamp/);
    expect(t.rows[0]?.cells[0]).toBe('w');
    expect(t.rows[0]?.cells[1]).toMatch(/^\d+s$/);
  });

  it('the demo CRD shows ages, in a watch too', async () => {
    const { sim } = await startSim({ seed: 'demo', controller: false });
    const t = (await raw(sim, 'GET', '/apis/kubetile.dev/v1alpha1/databases', { headers: { Accept: TABLE } })).json<Table>();
    const age = t.columnDefinitions.findIndex((c) => c.name === 'Age');
    expect(t.rows.length).toBeGreaterThan(0);
    for (const row of t.rows) expect(row.cells[age]).toMatch(/^\d+[smhdy]/);
    const w = await raw(sim, 'GET', '/apis/kubetile.dev/v1alpha1/databases?watch=1&timeoutSeconds=1', { headers: { Accept: TABLE } });
    const first = JSON.parse(w.body.split('\n')[0] ?? '') as { object: Table };
    expect(first.object.rows[0]?.cells[age]).toMatch(/^\d+[smhdy]/);
  });

  describe.skipIf(!haveKubectl)('with kubectl', () => {
    const kubectl = kubectlRunner();
    afterAll(() => kubectl.cleanup());
    it('kubectl get prints the date column as an age', async () => {
      const sim = await widgetSim([{ name: 'When', type: 'date', jsonPath: '.spec.when' }, { name: 'Count', type: 'integer', jsonPath: '.spec.count' }]);
      const r = await kubectl.run(sim, ['get', 'widgets']);
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\n')[0]).toMatch(/^NAME\s+WHEN\s+COUNT$/);
      expect(r.stdout.split('\n')[1]).toMatch(/^w\s+3d5h\s+7$/);
    });
  });
});
