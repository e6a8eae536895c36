import type { KubeObject } from '../kube/types.js';
import { isRecord } from '../util/is-record.js';

/** A port a container or a Service declares. */
export interface DeclaredPort {
  name?: string;
  port: number;
}

const isPort = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;

function containersOf(spec: unknown): Array<Record<string, unknown>> {
  const list = isRecord(spec) ? spec.containers : undefined;
  return Array.isArray(list) ? list.filter(isRecord) : [];
}

/** The container ports of a pod spec (a pod's `spec`, or a template's `spec.template.spec`), in declaration order. */
export function containerPorts(podSpec: unknown): DeclaredPort[] {
  const out: DeclaredPort[] = [];
  for (const c of containersOf(podSpec)) {
    for (const p of Array.isArray(c.ports) ? c.ports : []) {
      if (!isRecord(p) || !isPort(p.containerPort)) continue;
      out.push({ port: p.containerPort, ...(typeof p.name === 'string' && p.name ? { name: p.name } : {}) });
    }
  }
  return out;
}

/** A Service's ports: `port` with its name. */
export function servicePorts(svc: KubeObject): Array<DeclaredPort & { targetPort: number | string }> {
  const out: Array<DeclaredPort & { targetPort: number | string }> = [];
  const ports = isRecord(svc.spec) && Array.isArray(svc.spec.ports) ? svc.spec.ports : [];
  for (const p of ports) {
    if (!isRecord(p) || !isPort(p.port)) continue;
    const tp = p.targetPort;
    const targetPort = isPort(tp) ? tp : typeof tp === 'string' && /^\d+$/.test(tp) && isPort(Number(tp)) ? Number(tp) : typeof tp === 'string' && tp ? tp : p.port;
    out.push({ port: p.port, targetPort, ...(typeof p.name === 'string' && p.name ? { name: p.name } : {}) });
  }
  return out;
}

/** The number of a pod's container port named `name`, or null. */
export function namedPort(pod: KubeObject, name: string): number | null {
  return containerPorts(pod.spec).find((p) => p.name === name)?.port ?? null;
}

const COMMON = [80, 8080, 8000, 3000, 5000];

/**
 * KubeTile's remote port suggestion: a port whose name contains "http" or "web"; else the first
 * of 80, 8080, 8000, 3000, 5000 that is declared; else the first declared port; none → 80.
 */
export function suggestPort(ports: readonly DeclaredPort[]): number {
  const named = ports.find((p) => p.name && /http|web/i.test(p.name));
  if (named) return named.port;
  for (const c of COMMON) if (ports.some((p) => p.port === c)) return c;
  return ports[0]?.port ?? 80;
}
