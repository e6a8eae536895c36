/** A small in-memory filesystem that looks like a container's, for exec's ls and cat. */

export interface PodIdentity {
  name: string;
  namespace: string;
  uid: string;
  ip: string;
  node: string;
  container: string;
  image: string;
  env: Record<string, string>;
}

const DIR = Symbol('dir');
type Entry = string | typeof DIR;

export class FakeFs {
  private readonly entries = new Map<string, Entry>();

  constructor(pod: PodIdentity) {
    const isNginx = pod.image.includes('nginx');
    const isAlpine = pod.image.includes('alpine') || pod.image.includes('busybox');
    for (const d of ['/', '/bin', '/dev', '/etc', '/home', '/proc', '/root', '/tmp', '/usr', '/usr/bin', '/usr/local', '/var', '/var/log', '/var/run', '/var/run/secrets', '/var/run/secrets/kubernetes.io', '/var/run/secrets/kubernetes.io/serviceaccount']) this.mkdir(d);
    for (const b of ['sh', 'bash', 'cat', 'echo', 'env', 'ls', 'sleep', 'hostname', 'ps', 'date', 'uname', 'id', 'true', 'false']) this.write(`/bin/${b}`, '\u007fELF');
    this.write('/etc/hostname', `${pod.name}\n`);
    this.write('/etc/hosts', `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${pod.ip}\t${pod.name}\n`);
    this.write('/etc/resolv.conf', `search ${pod.namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`);
    this.write('/etc/os-release', isAlpine
      ? 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n'
      : 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n');
    this.write('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');
    this.write('/proc/version', 'Linux version 6.1.0-27-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1\n');
    this.write('/var/run/secrets/kubernetes.io/serviceaccount/namespace', pod.namespace);
    this.write('/var/run/secrets/kubernetes.io/serviceaccount/token', 'eyJhbGciOiJSUzI1NiIsImtpZCI6Imt1YmUtc2ltIn0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDpkZWZhdWx0In0.c2lnbmF0dXJl');
    this.write('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', '-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrdWJlLXNp\n-----END CERTIFICATE-----\n');
    if (isNginx) {
      for (const d of ['/etc/nginx', '/etc/nginx/conf.d', '/usr/share', '/usr/share/nginx', '/usr/share/nginx/html']) this.mkdir(d);
      this.write('/etc/nginx/nginx.conf', 'user  nginx;\nworker_processes  auto;\nevents { worker_connections 1024; }\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n');
      this.write('/etc/nginx/conf.d/default.conf', 'server {\n    listen       80;\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html;\n    }\n}\n');
      this.write('/usr/share/nginx/html/index.html', `<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body><h1>Welcome to nginx!</h1><p>Served by ${pod.name}.</p></body></html>\n`);
    } else {
      this.mkdir('/app');
      this.write('/app/config.yaml', `service: ${pod.container}\nlisten: ":8080"\nlog_level: ${pod.env['LOG_LEVEL'] ?? 'info'}\n`);
      this.write('/app/README', `${pod.image}\n`);
    }
  }

  static normalise(path: string, cwd = '/'): string {
    const abs = path.startsWith('/') ? path : `${cwd}/${path}`;
    const parts: string[] = [];
    for (const p of abs.split('/')) {
      if (p === '' || p === '.') continue;
      if (p === '..') parts.pop();
      else parts.push(p);
    }
    return `/${parts.join('/')}`;
  }

  mkdir(path: string): void {
    this.entries.set(path, DIR);
  }

  write(path: string, content: string, append = false): boolean {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    if (!this.isDir(parent) || this.isDir(path)) return false;
    const prev = this.entries.get(path);
    this.entries.set(path, append && typeof prev === 'string' ? prev + content : content);
    return true;
  }

  isDir(path: string): boolean {
    return this.entries.get(path) === DIR;
  }

  exists(path: string): boolean {
    return this.entries.has(path);
  }

  read(path: string): string | undefined {
    const e = this.entries.get(path);
    return typeof e === 'string' ? e : undefined;
  }

  list(dir: string): string[] {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    const out: string[] = [];
    for (const k of this.entries.keys()) {
      if (k !== dir && k.startsWith(prefix) && !k.slice(prefix.length).includes('/')) out.push(k.slice(prefix.length));
    }
    return out.sort();
  }

  size(path: string): number {
    const e = this.entries.get(path);
    return typeof e === 'string' ? Buffer.byteLength(e) : 4096;
  }
}
