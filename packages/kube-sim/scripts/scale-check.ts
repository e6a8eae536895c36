/**
 * Scale check: runs kube-sim in a child process, adds N pods through the admin API, lists them
 * (whole and paged), and churns them while a watch runs. Prints timings and the sim's memory.
 *
 *   npx tsx packages/kube-sim/scripts/scale-check.ts [N=100000] [eventsPerSec=2000]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Target {
  url: string;
  token: string;
  ca: string;
  agent: https.Agent;
}

function request(t: Target, method: string, path: string, body?: unknown): Promise<{ bytes: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${t.url}${path}`, { method, ca: t.ca, agent: t.agent, headers: { Authorization: `Bearer ${t.token}`, 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        resolve({ bytes: b.length, body: b.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(0)} MiB`;
}

async function metrics(t: Target): Promise<{ memory: { rss: number; heapUsed: number } }> {
  return (JSON.parse((await request(t, 'GET', '/_sim/metrics?gc=1')).body) as { result: { memory: { rss: number; heapUsed: number } } }).result;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? '100000');
  const rate = Number(process.argv[3] ?? '2000');
  const dir = mkdtempSync(join(tmpdir(), 'kube-sim-scale-'));
  const kcPath = join(dir, 'kubeconfig');
  const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', cli, '--port', '0', '--seed', 'empty', '--kubeconfig-out', kcPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('kubeconfig written')) resolve(); }));
  const yaml = readFileSync(kcPath, 'utf8');
  const t: Target = {
    url: /server: "([^"]+)"/.exec(yaml)?.[1] ?? '',
    token: /token: "([^"]+)"/.exec(yaml)?.[1] ?? '',
    ca: Buffer.from(/certificate-authority-data: (\S+)/.exec(yaml)?.[1] ?? '', 'base64').toString('utf8'),
    agent: new https.Agent({ keepAlive: true }),
  };
  try {
    const m0 = await metrics(t);
    let s = performance.now();
    await request(t, 'POST', '/_sim/add-pods', { n, namespace: 'load' });
    const addMs = performance.now() - s;
    const m1 = await metrics(t);
    console.log(`add ${n} pods: ${addMs.toFixed(0)} ms; sim heap +${mb(m1.memory.heapUsed - m0.memory.heapUsed)} (${((m1.memory.heapUsed - m0.memory.heapUsed) / n).toFixed(0)} B/pod), sim rss ${mb(m1.memory.rss)}`);

    s = performance.now();
    const full = await request(t, 'GET', '/api/v1/namespaces/load/pods');
    console.log(`list all (one response): ${(performance.now() - s).toFixed(0)} ms, ${mb(full.bytes)} (${(full.bytes / n).toFixed(0)} B/pod)`);

    s = performance.now();
    let cont = '';
    let pages = 0;
    let items = 0;
    do {
      const page = JSON.parse((await request(t, 'GET', `/api/v1/namespaces/load/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)).body) as { items: unknown[]; metadata: { continue?: string } };
      pages++;
      items += page.items.length;
      cont = page.metadata.continue ?? '';
    } while (cont);
    console.log(`paged list (limit=500, client parses each page): ${(performance.now() - s).toFixed(0)} ms, ${pages} pages, ${items} items`);

    s = performance.now();
    const table = await request(t, 'GET', '/api/v1/namespaces/load/pods?limit=500');
    void table;
    console.log(`one page of 500: ${(performance.now() - s).toFixed(0)} ms`);

    let received = 0;
    const m2 = await metrics(t);
    const rv = (JSON.parse((await request(t, 'GET', '/api/v1/namespaces/load/pods?limit=1')).body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const watch = https.get(`${t.url}/api/v1/namespaces/load/pods?watch=true&resourceVersion=${rv}`, { ca: t.ca, headers: { Authorization: `Bearer ${t.token}` } }, (res) => {
      res.on('data', (c: Buffer) => { for (const b of c) if (b === 10) received++; });
    });
    await new Promise((r) => setTimeout(r, 300));
    await request(t, 'POST', '/_sim/event-rate', { perSec: rate, namespace: 'load' });
    s = performance.now();
    await new Promise((r) => setTimeout(r, 5000));
    await request(t, 'POST', '/_sim/event-rate', { perSec: 0 });
    const secs = (performance.now() - s) / 1000;
    await new Promise((r) => setTimeout(r, 300));
    const m3 = await metrics(t);
    console.log(`churn at ${rate}/s for ${secs.toFixed(1)} s: ${received} watch events (${(received / secs).toFixed(0)}/s); sim rss ${mb(m2.memory.rss)} -> ${mb(m3.memory.rss)}`);
    watch.destroy();
  } finally {
    child.kill('SIGTERM');
    t.agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
