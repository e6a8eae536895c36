/** Table printers for networking, storage, rbac and coordination kinds, and the default printer. */
import { asArray, getPath, type KubeObject } from '../types.js';
import { col, str, type Cell, type Printer } from './columns.js';
import { since } from './humanize.js';

const age = (obj: KubeObject, now: number): string => since(obj.metadata.creationTimestamp, now);

export const ingressPrinter: Printer = {
  columns: [col('Name'), col('Class'), col('Hosts'), col('Address'), col('Ports'), col('Age')],
  cells(obj, now): Cell[] {
    // kubectl's formatHosts: the first three rule hosts, then "+ N more..." (N counted over all rules).
    const rules = asArray(getPath(obj, ['spec', 'rules']));
    const hosts: string[] = [];
    let clipped = false;
    for (const r of rules) {
      if (hosts.length === 3) clipped = true;
      if (!clipped && str(r, ['host'])) hosts.push(str(r, ['host']));
    }
    const more = clipped ? ` + ${rules.length - 3} more...` : '';
    const addr = [...new Set(asArray(getPath(obj, ['status', 'loadBalancer', 'ingress'])).map((i) => str(i, ['ip']) || str(i, ['hostname'])).filter((a) => a))].sort();
    const tls = asArray(getPath(obj, ['spec', 'tls'])).length > 0;
    return [obj.metadata.name ?? '', str(obj, ['spec', 'ingressClassName'], '<none>'), hosts.length ? hosts.join(',') + more : '*', addr.join(','), tls ? '80, 443' : '80', age(obj, now)];
  },
};

export const ingressClassPrinter: Printer = {
  columns: [col('Name'), col('Controller'), col('Parameters'), col('Age')],
  cells: (obj, now): Cell[] => [obj.metadata.name ?? '', str(obj, ['spec', 'controller']), '<none>', age(obj, now)],
};

export const storageClassPrinter: Printer = {
  columns: [col('Name'), col('Provisioner'), col('ReclaimPolicy'), col('VolumeBindingMode'), col('AllowVolumeExpansion', 'boolean'), col('Age')],
  cells(obj, now): Cell[] {
    const isDefault = obj.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true';
    return [`${obj.metadata.name ?? ''}${isDefault ? ' (default)' : ''}`, str(obj, ['provisioner']), str(obj, ['reclaimPolicy'], 'Delete'), str(obj, ['volumeBindingMode'], 'Immediate'), getPath(obj, ['allowVolumeExpansion']) === true, age(obj, now)];
  },
};

export const leasePrinter: Printer = {
  columns: [col('Name'), col('Holder'), col('Age')],
  cells: (obj, now): Cell[] => [obj.metadata.name ?? '', str(obj, ['spec', 'holderIdentity']), age(obj, now)],
};

function subjects(obj: KubeObject, kind: string): string {
  return asArray(obj['subjects']).filter((s) => getPath(s, ['kind']) === kind).map((s) => {
    const ns = str(s, ['namespace']);
    return kind === 'ServiceAccount' ? `${ns}/${str(s, ['name'])}` : str(s, ['name']);
  }).join(', ');
}

export const roleBindingPrinter: Printer = {
  columns: [col('Name'), col('Role'), col('Age'), col('Users', 'string', 1), col('Groups', 'string', 1), col('ServiceAccounts', 'string', 1)],
  cells: (obj, now): Cell[] => [obj.metadata.name ?? '', `${str(obj, ['roleRef', 'kind'])}/${str(obj, ['roleRef', 'name'])}`, age(obj, now), subjects(obj, 'User'), subjects(obj, 'Group'), subjects(obj, 'ServiceAccount')],
};

/** What the apiserver's default table convertor prints for kinds without a printer. */
export const defaultPrinter: Printer = {
  columns: [col('Name'), { ...col('Created At', 'date'), description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' }],
  cells: (obj): Cell[] => [obj.metadata.name ?? '', obj.metadata.creationTimestamp ?? null],
};

/** kubectl's PodDisruptionBudget columns: the budget as written (N/A for the side not set) and what the disruption controller allows now. */
export const podDisruptionBudgetPrinter: Printer = {
  columns: [col('Name'), col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 'integer'), col('Age')],
  cells: (obj, now): Cell[] => {
    const side = (k: string): string => {
      const v = getPath(obj, ['spec', k]);
      return typeof v === 'number' || typeof v === 'string' ? String(v) : 'N/A';
    };
    const allowed = getPath(obj, ['status', 'disruptionsAllowed']);
    return [obj.metadata.name ?? '', side('minAvailable'), side('maxUnavailable'), typeof allowed === 'number' ? allowed : 0, age(obj, now)];
  },
};

