// The official Python client (Debian's python3-kubernetes) against kube-sim: list, a watch
// stream, logs (timestamps, follow) and exec. It sends booleans as Python prints them
// (`watch=True`, `follow=True`), reads exec frames with a poll loop on its raw socket, and
// never answers the server's close frame: the three ways it used to disagree with kube-sim.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runningPod, startSim, stopAll } from './helpers.js';

/** A Python interpreter that can import the kubernetes package, or undefined. */
function findPython(): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(py, ['-c', 'import kubernetes'], { stdio: 'ignore', timeout: 30_000 });
      return py;
    } catch {
      /* try the next one */
    }
  }
  return undefined;
}

const python = findPython();
if (!python) console.warn('[kube-sim] Python client tests skipped: no python3 with the kubernetes package (apt-get install python3-kubernetes)');

const SCRIPT = String.raw`
import json, ssl, sys, time, urllib.request
from kubernetes import client, config, watch
from kubernetes.stream import stream

kubeconfig, server, token, ca = sys.argv[1:5]
config.load_kube_config(kubeconfig)
v1 = client.CoreV1Api()
out = {'version': __import__('kubernetes').__version__}
ctx = ssl.create_default_context(cafile=ca)

def admin(action, body):
    req = urllib.request.Request(server + '/_sim/' + action, data=json.dumps(body).encode(), method='POST',
                                 headers={'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'})
    urllib.request.urlopen(req, context=ctx, timeout=10).read()

def timed(key, fn):
    t = time.time()
    try:
        out[key] = fn()
    except Exception as e:
        out[key] = {'error': '%s: %s' % (type(e).__name__, e)}
    out[key + '_seconds'] = time.time() - t

timed('list', lambda: sorted(p.metadata.name for p in v1.list_namespaced_pod('default').items))

def watch_pods():
    events = []
    w = watch.Watch()
    for ev in w.stream(v1.list_namespaced_pod, 'default', timeout_seconds=15):
        events.append([ev['type'], ev['object'].metadata.name])
        if events == [['ADDED', 'p']]:
            v1.create_namespaced_pod('default', {'apiVersion': 'v1', 'kind': 'Pod', 'metadata': {'name': 'py-new'},
                                                 'spec': {'containers': [{'name': 'c', 'image': 'busybox'}]}})
        if ['ADDED', 'py-new'] in events:
            w.stop()
    return events
timed('watch', watch_pods)

timed('logs_timestamps', lambda: v1.read_namespaced_pod_log('p', 'default', container='main', timestamps=True))

def follow():
    r = v1.read_namespaced_pod_log('p', 'default', container='main', follow=True, _preload_content=False, _request_timeout=20)
    text = ''
    appended = False
    for chunk in r.stream(1024, decode_content=False):
        text += chunk.decode()
        if 'two\n' in text and not appended:
            admin('logs/append', {'namespace': 'default', 'pod': 'p', 'container': 'main', 'lines': ['three']})
            appended = True
        if 'three\n' in text:
            break
    r.close()
    return text
timed('follow', follow)

timed('exec', lambda: stream(v1.connect_get_namespaced_pod_exec, 'p', 'default', container='main', command=['echo', 'hello'],
                             stderr=True, stdin=False, stdout=True, tty=False))

def exec_status():
    r = stream(v1.connect_get_namespaced_pod_exec, 'p', 'default', container='main', command=['sh', '-c', 'echo out; ls /nope; exit 3'],
               stderr=True, stdin=False, stdout=True, tty=False, _preload_content=False)
    r.run_forever(timeout=60)
    return {'stdout': r.read_stdout(), 'stderr': r.read_stderr(), 'returncode': r.returncode}
timed('exec_status', exec_status)

def port_forward():
    from kubernetes.stream import portforward
    pf = portforward(v1.connect_get_namespaced_pod_portforward, 'p', 'default', ports='8080')
    s = pf.socket(8080)
    s.settimeout(30)
    s.sendall(b'GET /hello HTTP/1.0\r\nHost: p\r\n\r\n')
    data = b''
    while True:
        c = s.recv(65536)
        if not c:
            break
        data += c
    s.close()
    return data.decode()
timed('port_forward', port_forward)

print(json.dumps(out))
`;

interface PyResult {
  version: string;
  list: string[];
  watch: Array<[string, string]>;
  logs_timestamps: string;
  follow: string;
  exec: string;
  exec_seconds: number;
  exec_status: { stdout: string; stderr: string; returncode: number };
  exec_status_seconds: number;
  port_forward: string;
}

function runPython(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(python as string, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    // A hung client (the old 30 s per exec) must fail the test, not the suite's timeout.
    const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!python)('the official Python client', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kube-sim-py-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(stopAll);

  it('lists, watches (watch=True), reads logs (timestamps=True, follow=True), execs promptly and port-forwards', async () => {
    const { sim } = await startSim();
    sim.createObject(runningPod('p', [{ name: 'main', ports: [8080] }]));
    sim.appendLog('default', 'p', ['one', 'two']);
    const kubeconfig = join(dir, 'kubeconfig');
    const ca = join(dir, 'ca.pem');
    const script = join(dir, 'client.py');
    writeFileSync(kubeconfig, sim.kubeconfigYaml, { mode: 0o600 });
    writeFileSync(ca, sim.caPem);
    writeFileSync(script, SCRIPT);

    const r = await runPython([script, kubeconfig, sim.url, sim.token, ca]);
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as PyResult;

    expect(out.list).toEqual(['p']);
    // watch=True is a watch: the initial ADDED, then the pod created meanwhile.
    expect(out.watch).toEqual([['ADDED', 'p'], ['ADDED', 'py-new']]);
    expect(out.logs_timestamps).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z one\n\d{4}-\d\d-\d\dT\S+Z two\n$/);
    // follow=True keeps the stream open for the line appended after it started.
    expect(out.follow).toBe('one\ntwo\nthree\n');
    expect(out.exec).toBe('hello\n');
    expect(out.exec_status).toEqual({ stdout: 'out\n', stderr: expect.stringMatching(/nope/), returncode: 3 });
    // It used to wait ~30 s per exec for the connection to drop; generous bounds for a loaded machine.
    expect(out.exec_seconds).toBeLessThan(10);
    expect(out.exec_status_seconds).toBeLessThan(10);
    expect(out.port_forward).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\/hello/);

    // What it sent: Python's spelling of booleans.
    const sent = sim.journalEntries({ path: '/api/v1/namespaces/default/pods' });
    expect(sent.some((e) => e.query['watch'] === 'True')).toBe(true);
    expect(sent.some((e) => e.query['follow'] === 'True' && e.query['timestamps'] === undefined)).toBe(true);
    expect(sent.some((e) => e.query['timestamps'] === 'True')).toBe(true);
    expect(sent.some((e) => e.path.endsWith('/exec') && e.query['stdout'] === 'True' && e.query['stdin'] === 'False')).toBe(true);
  }, 150_000);
});
