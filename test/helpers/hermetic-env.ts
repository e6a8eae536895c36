// Run before every test file (vitest setupFiles): the machine's proxy settings are not the tests'.
// The daemon takes HTTPS_PROXY / NO_PROXY for clusters as kubectl does (packages/daemon/src/kube/env-proxy.ts);
// a CI machine behind a proxy would send the in-process tests' made-up hosts to it. Tests that want a
// proxy set one themselves.
for (const v of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']) delete process.env[v];
