/** Believable log lines per kind of image, for the demo and the generator. */

export interface LogFlavour {
  startup(): string[];
  line(n: number, now: Date): string;
  crash(): string[];
}

const PATHS = ['/', '/products', '/products/42', '/cart', '/checkout', '/api/v1/orders', '/healthz', '/static/app.js', '/static/app.css', '/login'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0', 'curl/8.5.0', 'kube-probe/1.31', 'Go-http-client/1.1'];
const STATUSES = [200, 200, 200, 200, 200, 304, 200, 201, 404, 500];

function pick<T>(arr: readonly T[], n: number): T {
  return arr[Math.abs(n * 7919 + 13) % arr.length] as T;
}

function clf(d: Date): string {
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (x: number): string => String(x).padStart(2, '0');
  return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

const nginx: LogFlavour = {
  startup: () => [
    '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
    '/docker-entrypoint.sh: Configuration complete; ready for start up',
    '2024/01/01 00:00:00 [notice] 1#1: using the "epoll" event method',
    '2024/01/01 00:00:00 [notice] 1#1: start worker processes',
  ],
  line: (n, now) => `10.244.${n % 3}.${(n * 31) % 250 + 2} - - [${clf(now)}] "${n % 9 === 0 ? 'POST' : 'GET'} ${pick(PATHS, n)} HTTP/1.1" ${pick(STATUSES, n)} ${(n * 97) % 4000 + 120} "-" "${pick(AGENTS, n)}"`,
  crash: () => ['2024/01/01 00:00:00 [emerg] 1#1: host not found in upstream "api:8080"'],
};

const jsonApp = (service: string): LogFlavour => ({
  startup: () => [
    JSON.stringify({ level: 'info', msg: 'starting', service, version: '1.4.2' }),
    JSON.stringify({ level: 'info', msg: 'connected to database', host: 'postgres.shop.svc', pool: 10 }),
    JSON.stringify({ level: 'info', msg: 'listening', addr: ':8080' }),
  ],
  line: (n, now) => {
    const status = pick(STATUSES, n);
    return JSON.stringify({ level: status >= 500 ? 'error' : n % 17 === 0 ? 'warn' : 'info', ts: now.toISOString(), msg: status >= 500 ? 'request failed' : 'request completed', method: n % 5 === 0 ? 'POST' : 'GET', path: pick(['/v1/orders', '/v1/orders/1042', '/v1/cart', '/v1/payments', '/v1/users/7'], n), status, duration_ms: (n * 37) % 250 + 2, trace_id: ((n * 2654435761) >>> 0).toString(16).padStart(8, '0') });
  },
  crash: () => [
    JSON.stringify({ level: 'error', msg: 'dial tcp 10.96.0.42:6379: connect: connection refused', component: 'redis' }),
    'panic: redis: connection pool exhausted after 3 retries',
    '',
    'goroutine 1 [running]:',
    'main.main()',
    '\t/src/cmd/server/main.go:57 +0x1c5',
  ],
});

const postgres: LogFlavour = {
  startup: () => [
    'PostgreSQL Database directory appears to contain a database; Skipping initialization',
    '2024-01-01 00:00:00.000 UTC [1] LOG:  starting PostgreSQL 16.4 on x86_64-pc-linux-gnu',
    '2024-01-01 00:00:00.000 UTC [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432',
    '2024-01-01 00:00:00.000 UTC [1] LOG:  database system is ready to accept connections',
  ],
  line: (n, now) => {
    const ts = now.toISOString().replace('T', ' ').replace('Z', ' UTC');
    return n % 10 === 0
      ? `${ts} [${60 + (n % 40)}] LOG:  checkpoint complete: wrote ${(n * 13) % 300} buffers (${(n % 9) / 10}%); 0 WAL file(s) added`
      : `${ts} [${60 + (n % 40)}] LOG:  duration: ${((n * 7) % 90) / 10 + 0.2} ms  statement: SELECT id, total FROM orders WHERE customer_id = ${n % 500}`;
  },
  crash: () => ['FATAL:  could not open file "global/pg_filenode.map": Permission denied'],
};

const prom: LogFlavour = {
  startup: () => [
    'ts=2024-01-01T00:00:00.000Z caller=main.go:601 level=info msg="Starting Prometheus Server" mode=server version="(version=2.54.1)"',
    'ts=2024-01-01T00:00:00.000Z caller=main.go:1133 level=info msg="Server is ready to receive web requests."',
  ],
  line: (n, now) => `ts=${now.toISOString()} caller=${n % 2 ? 'compact.go:576' : 'head.go:1296'} level=info component=tsdb msg="${n % 2 ? 'write block' : 'Head GC completed'}" duration=${(n * 3) % 900}ms`,
  crash: () => ['ts=2024-01-01T00:00:00.000Z level=error msg="opening storage failed" err="lock DB directory: resource temporarily unavailable"'],
};

const generic = (name: string): LogFlavour => ({
  startup: () => [`${name}: starting`, `${name}: ready`],
  line: (n, now) => `${now.toISOString()} INFO ${name} heartbeat seq=${n} queue_depth=${(n * 11) % 40} workers=4`,
  crash: () => [`${now().toISOString()} FATAL ${name}: unrecoverable error, exiting`],
});

function now(): Date {
  return new Date();
}

export function flavourFor(image: string, container: string): LogFlavour {
  const img = image.toLowerCase();
  if (img.includes('nginx') || img.includes('envoy') || img.includes('frontend')) return nginx;
  if (img.includes('postgres')) return postgres;
  if (img.includes('prometheus')) return prom;
  if (img.includes('api') || img.includes('cart') || img.includes('gateway') || img.includes('payments') || img.includes('model')) return jsonApp(container);
  return generic(container);
}
