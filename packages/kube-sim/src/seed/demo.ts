/**
 * The "demo" seed: a small believable cluster. Three worker namespaces (shop, payments, ops) on
 * three nodes, with deployments, a statefulset, a crash-looping pod, a pending pod, a job, a
 * cronjob, config, secrets, services, an ingress, volumes, events and two custom resources.
 */
import { randomSuffix, rfc3339 } from '../store/object-store.js';
import type { ObjectStore } from '../store/object-store.js';
import type { KubeObject } from '../types.js';
import { ANN } from '../controller/context.js';
import { DATABASE_ANNOTATION } from '../pgdemo/demo-databases.js';
import { daemonSet, deployment, SeedContext, seedPod, statefulSet, type NodeRef } from './workload-builder.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function node(ctx: SeedContext, name: string, ip: string, controlPlane: boolean): void {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'topology.kubernetes.io/zone': controlPlane ? 'zone-a' : name.endsWith('1') ? 'zone-a' : 'zone-b',
  };
  if (controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
  const since = rfc3339(ctx.at(12 * DAY));
  const cond = (type: string, status: string, reason: string, message: string): Record<string, unknown> => ({ type, status, lastHeartbeatTime: rfc3339(ctx.now - 20_000), lastTransitionTime: since, reason, message });
  ctx.put({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } },
    spec: { podCIDR: `10.244.${name.length % 3}.0/24`, podCIDRs: [`10.244.${name.length % 3}.0/24`], providerID: `kind://docker/kubetile/${name}`, ...(controlPlane ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {}) },
    status: {
      capacity: { cpu: '8', 'ephemeral-storage': '102626232Ki', memory: '16331512Ki', pods: '110' },
      allocatable: { cpu: '8', 'ephemeral-storage': '102626232Ki', memory: '16331512Ki', pods: '110' },
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: '3a1f0c2e9b5d4e6f8a7b6c5d4e3f2a1b', systemUUID: '3a1f0c2e-9b5d-4e6f-8a7b-6c5d4e3f2a1b', bootID: '7c2e1d0f-3b4a-4c5d-9e8f-1a2b3c4d5e6f',
        kernelVersion: '6.1.0-27-amd64', osImage: 'Debian GNU/Linux 12 (bookworm)', containerRuntimeVersion: 'containerd://1.7.18',
        kubeletVersion: 'v1.31.0', kubeProxyVersion: 'v1.31.0', operatingSystem: 'linux', architecture: 'amd64',
      },
      images: [],
    },
  }, 12 * DAY);
}

function service(ctx: SeedContext, ns: string, name: string, ports: Array<{ port: number; target?: number; name?: string; nodePort?: number }>, age: number, extra: Record<string, unknown> = {}): void {
  ctx.put({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: { selector: { app: name }, ports: ports.map((p) => ({ name: p.name ?? `tcp-${p.port}`, port: p.port, targetPort: p.target ?? p.port, protocol: 'TCP', ...(p.nodePort ? { nodePort: p.nodePort } : {}) })), ...extra },
  }, age);
}

function event(ctx: SeedContext, obj: KubeObject, type: string, reason: string, message: string, component: string, ageMs: number, count = 1): void {
  const ns = obj.metadata.namespace ?? 'default';
  ctx.put({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${obj.metadata.name ?? ''}.${randomSuffix(16)}`, namespace: ns },
    involvedObject: { kind: obj.kind, namespace: ns, name: obj.metadata.name, uid: obj.metadata.uid, apiVersion: obj.apiVersion, resourceVersion: obj.metadata.resourceVersion },
    reason,
    message,
    source: { component },
    firstTimestamp: rfc3339(ctx.at(ageMs)),
    lastTimestamp: rfc3339(ctx.at(Math.max(0, ageMs - (count - 1) * 60_000))),
    count,
    type,
    eventTime: null,
    reportingComponent: component,
    reportingInstance: '',
  }, ageMs);
}

function rootCa(ctx: SeedContext, ns: string): void {
  ctx.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: ns, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } }, data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrM3Mtc2Vy\n-----END CERTIFICATE-----\n' } }, 12 * DAY);
}

export function seedDemo(store: ObjectStore): void {
  const workers: NodeRef[] = [{ name: 'worker-1', ip: '172.18.0.3' }, { name: 'worker-2', ip: '172.18.0.4' }];
  const ctx = new SeedContext(store, workers);
  node(ctx, 'control-plane', '172.18.0.2', true);
  node(ctx, 'worker-1', '172.18.0.3', false);
  node(ctx, 'worker-2', '172.18.0.4', false);
  const allNodes: NodeRef[] = [{ name: 'control-plane', ip: '172.18.0.2' }, ...workers];

  for (const ns of ['shop', 'payments', 'ops']) ctx.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: ns === 'ops' ? 'platform' : ns } } }, ns === 'ops' ? 10 * DAY : 3 * DAY);
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'shop', 'payments', 'ops']) rootCa(ctx, ns);
  for (const ns of ['shop', 'payments', 'ops']) ctx.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } }, 3 * DAY);

  // kube-system
  deployment(ctx, { namespace: 'kube-system', name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1', replicas: 2, ports: [53, 9153], age: 12 * DAY, labels: { 'k8s-app': 'kube-dns' } });
  daemonSet(ctx, { namespace: 'kube-system', name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.31.0', replicas: 3, age: 12 * DAY }, allNodes);
  ctx.put({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }, spec: { selector: { 'k8s-app': 'kube-dns' }, clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }, { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 }] } }, 12 * DAY);
  ctx.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: '.:53 {\n    errors\n    health\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n    }\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n}\n' } }, 12 * DAY);

  // storage
  ctx.put({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' }, 12 * DAY);
  ctx.put({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'k8s.io/ingress-nginx' } }, 12 * DAY);

  // shop: frontend, api, cart (crash loop), postgres (statefulset)
  ctx.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'frontend-nginx', namespace: 'shop' }, data: { 'nginx.conf': 'server {\n  listen 80;\n  location / { root /usr/share/nginx/html; }\n  location /api/ { proxy_pass http://api:8080/; }\n}\n' } }, 3 * DAY);
  ctx.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-config', namespace: 'shop' }, data: { LOG_LEVEL: 'info', DB_HOST: 'postgres.shop.svc.cluster.local', FEATURE_FLAGS: 'checkout-v2,recommendations' } }, 5 * HOUR);
  ctx.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'postgres-credentials', namespace: 'shop' }, type: 'Opaque', data: { username: b64('shop'), password: b64('s3cr3t-demo-password') } }, 3 * DAY);
  ctx.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'shop-tls', namespace: 'shop' }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64('-----BEGIN CERTIFICATE-----\nMIIB...demo...\n-----END CERTIFICATE-----\n'), 'tls.key': b64('-----BEGIN PRIVATE KEY-----\nMIIE...demo...\n-----END PRIVATE KEY-----\n') } }, 3 * DAY);

  const fe = deployment(ctx, { namespace: 'shop', name: 'frontend', image: 'nginx:1.27.2', replicas: 3, ports: [80], age: 3 * DAY, env: { NGINX_PORT: '80' }, labels: { tier: 'web' } });
  service(ctx, 'shop', 'frontend', [{ port: 80, name: 'http' }], 3 * DAY);
  // A drain (`r` on a node) meets it: frontend keeps two of its three pods ready.
  ctx.put({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'frontend', namespace: 'shop' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'frontend' } } } }, 3 * DAY);
  deployment(ctx, { namespace: 'shop', name: 'api', image: 'ghcr.io/kubetile/shop-api:1.4.2', replicas: 2, ports: [8080], age: 5 * HOUR, env: { DB_HOST: 'postgres.shop.svc.cluster.local', LOG_LEVEL: 'info', PORT: '8080' }, labels: { tier: 'backend' } });
  service(ctx, 'shop', 'api', [{ port: 8080, name: 'http' }], 5 * HOUR);
  const cart = deployment(ctx, {
    namespace: 'shop', name: 'cart', image: 'ghcr.io/kubetile/cart:0.9.1', replicas: 1, ports: [8080], age: 47 * MIN,
    env: { REDIS_ADDR: 'redis.shop.svc:6379' }, annotations: { [ANN.crashAfter]: '12', [ANN.exitCode]: '2' },
  }, (pod) => {
    const status = pod['status'] as Record<string, unknown>;
    const cs = (status['containerStatuses'] as Array<Record<string, unknown>>)[0];
    if (cs) {
      cs['ready'] = false;
      cs['started'] = false;
      cs['restartCount'] = 7;
      cs['state'] = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=cart' } };
      cs['lastState'] = { terminated: { exitCode: 2, reason: 'Error', startedAt: rfc3339(ctx.at(2 * MIN)), finishedAt: rfc3339(ctx.at(95_000)) } };
    }
    for (const c of status['conditions'] as Array<Record<string, unknown>>) if (c['type'] === 'Ready' || c['type'] === 'ContainersReady') { c['status'] = 'False'; c['reason'] = 'ContainersNotReady'; }
  });
  service(ctx, 'shop', 'cart', [{ port: 8080, name: 'http' }], 47 * MIN);
  ctx.put({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'postgres', namespace: 'shop', labels: { app: 'postgres' } }, spec: { clusterIP: 'None', selector: { app: 'postgres' }, ports: [{ name: 'postgres', port: 5432, targetPort: 5432, protocol: 'TCP' }] } }, 3 * DAY);
  statefulSet(ctx, {
    namespace: 'shop', name: 'postgres', image: 'postgres:16.4', replicas: 2, ports: [5432], age: 3 * DAY,
    env: { POSTGRES_DB: 'shop', PGDATA: '/var/lib/postgresql/data/pgdata' },
    // The credentials come from the Secret, as a real chart wires them; the query pane finds them there.
    secretEnv: [{ name: 'POSTGRES_USER', secret: 'postgres-credentials', key: 'username' }, { name: 'POSTGRES_PASSWORD', secret: 'postgres-credentials', key: 'password' }],
    // A real PostgreSQL engine (PGlite) answers on 5432 of both replicas (see pgdemo/).
    annotations: { [DATABASE_ANNOTATION]: 'shop/postgres' },
    requests: { cpu: '250m', memory: '512Mi' },
  }, 'postgres', { name: 'data', size: '10Gi', storageClass: 'standard' });
  for (let i = 0; i < 2; i++) {
    const pvName = `pvc-7f3c1a2e-${i}b4d-4e5f-9a8b-${i}c6d7e8f9a0b`;
    ctx.put({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: pvName, annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } }, spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', volumeMode: 'Filesystem', claimRef: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: `data-postgres-${i}`, apiVersion: 'v1' }, hostPath: { path: `/var/local-path-provisioner/${pvName}`, type: 'DirectoryOrCreate' } }, status: { phase: 'Bound' } }, 3 * DAY);
    ctx.put({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `data-postgres-${i}`, namespace: 'shop', labels: { app: 'postgres' } }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', volumeMode: 'Filesystem', volumeName: pvName, resources: { requests: { storage: '10Gi' } } }, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } } }, 3 * DAY);
  }
  ctx.put({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'uploads', namespace: 'shop' }, spec: { accessModes: ['ReadWriteMany'], storageClassName: 'fast-ssd', volumeMode: 'Filesystem', resources: { requests: { storage: '50Gi' } } }, status: { phase: 'Pending' } }, 2 * HOUR);
  ctx.put({
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
    metadata: { name: 'shop', namespace: 'shop', annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } },
    spec: { ingressClassName: 'nginx', tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }], rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'frontend', port: { number: 80 } } } }, { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8080 } } } }] } }] },
    status: { loadBalancer: { ingress: [{ ip: '172.18.0.240' }] } },
  }, 3 * DAY);
  ctx.put({ apiVersion: 'kubetile.dev/v1alpha1', kind: 'Database', metadata: { name: 'orders', namespace: 'shop' }, spec: { engine: 'postgres', version: '16', storage: '10Gi', replicas: 2 }, status: { phase: 'Ready', endpoint: 'postgres.shop.svc:5432' } }, 3 * DAY);

  // payments: gateway (LoadBalancer), a pod that cannot be scheduled, a finished job, a cronjob
  ctx.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'payments-api-key', namespace: 'payments' }, type: 'Opaque', data: { 'api-key': b64('pk_demo_4eC39HqLyjWDarjtT1zdp7dc') } }, 3 * DAY);
  ctx.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gateway-config', namespace: 'payments' }, data: { 'routes.yaml': 'routes:\n  - path: /charge\n    upstream: processor\n  - path: /refund\n    upstream: processor\n', TIMEOUT_MS: '2500' } }, 3 * DAY);
  deployment(ctx, { namespace: 'payments', name: 'payments-gateway', image: 'ghcr.io/kubetile/payments-gateway:2.3.0', replicas: 2, ports: [8443], age: 3 * DAY, env: { UPSTREAM: 'processor.payments.svc:9000', TLS: 'true' } });
  service(ctx, 'payments', 'payments-gateway', [{ port: 443, target: 8443, name: 'https' }], 3 * DAY, { type: 'LoadBalancer' });
  ctx.put({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'fraud-model', namespace: 'payments', labels: { app: 'fraud-model' } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'fraud-model' } }, template: { metadata: { labels: { app: 'fraud-model' } }, spec: { containers: [{ name: 'fraud-model', image: 'ghcr.io/kubetile/fraud-model:0.3.0', resources: { requests: { cpu: '64', memory: '256Gi' } } }] } } },
  }, 25 * MIN);
  ctx.put({ apiVersion: 'kubetile.dev/v1alpha1', kind: 'Database', metadata: { name: 'ledger', namespace: 'payments' }, spec: { engine: 'postgres', version: '15', storage: '20Gi', replicas: 1 }, status: { phase: 'Provisioning' } }, 20 * MIN);

  const job = ctx.put({
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: 'ledger-migrate', namespace: 'payments', labels: { app: 'ledger-migrate' } },
    spec: { completions: 1, backoffLimit: 2, template: { metadata: { labels: { app: 'ledger-migrate' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'ghcr.io/kubetile/ledger-migrate:1.0.0', args: ['--apply'] }] } } },
    status: { startTime: rfc3339(ctx.at(2 * HOUR)), completionTime: rfc3339(ctx.at(2 * HOUR - 41_000)), succeeded: 1, active: 0, failed: 0, ready: 0, terminating: 0, uncountedTerminatedPods: {}, conditions: [{ type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: rfc3339(ctx.at(2 * HOUR - 41_000)), lastTransitionTime: rfc3339(ctx.at(2 * HOUR - 41_000)) }, { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: rfc3339(ctx.at(2 * HOUR - 41_000)), lastTransitionTime: rfc3339(ctx.at(2 * HOUR - 41_000)) }] },
  }, 2 * HOUR);
  const migratePod = seedPod(ctx, { namespace: 'payments', name: 'migrate', image: 'ghcr.io/kubetile/ledger-migrate:1.0.0', replicas: 1, age: 2 * HOUR }, `ledger-migrate-${randomSuffix()}`, { 'batch.kubernetes.io/job-name': 'ledger-migrate', 'job-name': 'ledger-migrate', 'batch.kubernetes.io/controller-uid': job.metadata.uid ?? '' }, job, 2 * HOUR);
  (migratePod['spec'] as Record<string, unknown>)['restartPolicy'] = 'Never';
  const ms = migratePod['status'] as Record<string, unknown>;
  ms['phase'] = 'Succeeded';
  for (const c of ms['conditions'] as Array<Record<string, unknown>>) if (c['type'] === 'Ready' || c['type'] === 'ContainersReady') { c['status'] = 'False'; c['reason'] = 'PodCompleted'; }
  const mcs = (ms['containerStatuses'] as Array<Record<string, unknown>>)[0];
  if (mcs) {
    mcs['ready'] = false;
    mcs['started'] = false;
    mcs['state'] = { terminated: { exitCode: 0, reason: 'Completed', startedAt: rfc3339(ctx.at(2 * HOUR - 3000)), finishedAt: rfc3339(ctx.at(2 * HOUR - 40_000)) } };
  }
  ctx.put(migratePod, 2 * HOUR);
  event(ctx, job, 'Normal', 'Completed', 'Job completed', 'job-controller', 2 * HOUR - 41_000);
  ctx.put({
    apiVersion: 'batch/v1', kind: 'CronJob',
    metadata: { name: 'settlement-report', namespace: 'payments' },
    spec: { schedule: '*/2 * * * *', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, jobTemplate: { spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'report', image: 'ghcr.io/kubetile/settlement-report:1.2.0' }] } } } } },
  }, 3 * DAY);

  // ops: monitoring
  deployment(ctx, { namespace: 'ops', name: 'prometheus', image: 'quay.io/prometheus/prometheus:v2.54.1', replicas: 1, ports: [9090], age: 10 * DAY, env: { RETENTION: '15d' }, requests: { cpu: '500m', memory: '1Gi' } });
  service(ctx, 'ops', 'prometheus', [{ port: 9090, name: 'web' }], 10 * DAY);
  deployment(ctx, { namespace: 'ops', name: 'grafana', image: 'grafana/grafana:11.2.0', replicas: 1, ports: [3000], age: 10 * DAY, env: { GF_SECURITY_ADMIN_USER: 'admin' } });
  service(ctx, 'ops', 'grafana', [{ port: 3000, name: 'http', nodePort: 30300 }], 10 * DAY, { type: 'NodePort' });
  ctx.put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'grafana-admin', namespace: 'ops' }, type: 'Opaque', data: { 'admin-password': b64('grafana-demo') } }, 10 * DAY);
  ctx.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'prometheus-config', namespace: 'ops' }, data: { 'prometheus.yml': 'global:\n  scrape_interval: 30s\nscrape_configs:\n  - job_name: kubernetes-pods\n    kubernetes_sd_configs:\n      - role: pod\n' } }, 10 * DAY);
  ctx.put({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pvc-1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a' }, spec: { capacity: { storage: '20Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'standard', volumeMode: 'Filesystem', claimRef: { kind: 'PersistentVolumeClaim', namespace: 'ops', name: 'prometheus-data', apiVersion: 'v1' }, hostPath: { path: '/var/local-path-provisioner/prometheus', type: 'DirectoryOrCreate' } }, status: { phase: 'Bound' } }, 10 * DAY);
  ctx.put({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'prometheus-data', namespace: 'ops' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'standard', volumeMode: 'Filesystem', volumeName: 'pvc-1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a', resources: { requests: { storage: '20Gi' } } }, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '20Gi' } } }, 10 * DAY);

  // a little history
  const firstFe = fe.pods[0];
  if (firstFe) event(ctx, firstFe, 'Normal', 'Pulled', 'Container image "nginx:1.27.2" already present on machine', 'kubelet', 3 * DAY);
  event(ctx, fe.deploy, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${fe.rs.metadata.name ?? ''} from 0 to 3`, 'deployment-controller', 3 * DAY);
  const cartPod = cart.pods[0];
  if (cartPod) event(ctx, cartPod, 'Warning', 'BackOff', `Back-off restarting failed container cart in pod ${cartPod.metadata.name ?? ''}_shop(${cartPod.metadata.uid ?? ''})`, 'kubelet', 40 * MIN, 31);
  event(ctx, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'uploads', namespace: 'shop', uid: '' } }, 'Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "fast-ssd" not found', 'persistentvolume-controller', 2 * HOUR, 481);
}
