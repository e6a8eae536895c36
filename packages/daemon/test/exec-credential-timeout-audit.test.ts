// Audit of exec credential plugins that wait for a person (a browser or device-code login): when
// one is stopped for taking too long, the user is told what it was waiting for.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ExecCredentialProvider, type ExecConfig } from '../src/kube/exec-credential.js';

const logger = pino({ level: 'silent' });
let dir: string;
let provider: ExecCredentialProvider | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kt-cred-timeout-'));
});
afterEach(() => {
  provider?.stop();
  provider = null;
  rmSync(dir, { recursive: true, force: true });
});

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}
const exec = (command: string): ExecConfig => ({ command, args: [], env: [], apiVersion: 'client.authentication.k8s.io/v1', provideClusterInfo: false });

describe('a credential plugin that waits for a login', () => {
  it('stopped after the timeout: the error carries what it said on stderr (the URL and code it waited on)', async () => {
    // As kubelogin (device code) and oidc-login (browser) do: instructions on stderr, then a wait.
    const cmd = script('login.sh', `echo 'To sign in, open https://login.example/device and enter the code ABCD-1234' >&2\nexec sleep 1000`);
    provider = new ExecCredentialProvider(logger, 5_000);
    // Before: only "… did not answer within 5 s and was stopped": nothing said why it hung.
    await expect(provider.get('alice', exec(cmd), null)).rejects.toThrow(
      /credential plugin ".*login\.sh" for user 'alice' did not answer within 5 s and was stopped; it said: To sign in, open https:\/\/login\.example\/device and enter the code ABCD-1234$/,
    );
  });
});
