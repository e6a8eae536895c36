/** Realistic pod objects (about 2 KiB of JSON each), running on a node, for seeds and scale tests. */
import { imageId } from '../runtime/image-id.js';
import type { KubeObject } from '../types.js';

export interface PodSpecInput {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  nodeName: string;
  image: string;
  containerName?: string;
  ports?: number[];
  podIP: string;
  hostIP: string;
  startTime: string;
  owner?: { apiVersion: string; kind: string; name: string; uid: string };
  env?: Record<string, string>;
  /** Leave out optional fields (scale generator): about 2 KiB of JSON instead of about 3. */
  compact?: boolean;
}

/** A pod in Running phase with one ready container. */
export function runningPod(p: PodSpecInput): KubeObject {
  const container = p.containerName ?? 'main';
  const md: KubeObject['metadata'] = {
    name: p.name,
    namespace: p.namespace,
    labels: p.labels ?? {},
    annotations: { 'kubectl.kubernetes.io/default-container': container },
  };
  if (p.owner) md.ownerReferences = [{ ...p.owner, controller: true, blockOwnerDeletion: true }];
  const cond = (type: string): Record<string, unknown> => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: p.startTime });
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: md,
    spec: {
      containers: [
        {
          name: container,
          image: p.image,
          ports: (p.ports ?? []).map((containerPort) => ({ containerPort, protocol: 'TCP' })),
          env: Object.entries(p.env ?? { LOG_LEVEL: 'info' }).map(([name, value]) => ({ name, value })),
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      volumes: [
        {
          name: 'kube-api-access',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
            ],
          },
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      nodeName: p.nodeName,
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: 'Running',
      conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
      hostIP: p.hostIP,
      hostIPs: [{ ip: p.hostIP }],
      podIP: p.podIP,
      podIPs: [{ ip: p.podIP }],
      startTime: p.startTime,
      containerStatuses: [
        {
          name: container,
          state: { running: { startedAt: p.startTime } },
          lastState: {},
          ready: true,
          restartCount: 0,
          image: p.image,
          imageID: imageId(p.image, '5f1c5f2c7fd34b0b7e41b4b2f1a8d1f2b6f6a0a0f1f8e6e0f0d5c6b7a8e9f0a1'),
          containerID: `containerd://${p.name.replace(/[^a-z0-9]/g, '').padEnd(16, '0').slice(0, 16)}${'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4'}`,
          started: true,
        },
      ],
      qosClass: 'Burstable',
    },
  };
  if (p.compact) {
    delete md.annotations;
    const spec = pod['spec'] as Record<string, unknown>;
    for (const k of ['tolerations', 'enableServiceLinks', 'preemptionPolicy', 'priority', 'securityContext', 'serviceAccount']) delete spec[k];
    spec['volumes'] = [{ name: 'kube-api-access', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } }];
    const status = pod['status'] as Record<string, unknown>;
    status['conditions'] = (status['conditions'] as Array<Record<string, unknown>>).filter((c) => c['type'] !== 'PodReadyToStartContainers');
    delete status['hostIPs'];
    delete status['podIPs'];
  }
  return pod;
}

export function podIP(n: number): string {
  return `10.244.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
}
