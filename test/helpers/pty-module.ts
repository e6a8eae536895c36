import { createRequire } from 'node:module';

export type PtyModule = typeof import('node-pty');

let loaded: { pty: PtyModule | null; why: string } | undefined;

/** node-pty when it loads (an optional dependency compiled at `npm install`), else null: the pty tests and figures skip. */
export function loadPty(): PtyModule | null {
  if (!loaded) {
    try {
      loaded = { pty: createRequire(import.meta.url)('node-pty') as PtyModule, why: '' };
    } catch (err) {
      loaded = { pty: null, why: (err as Error).message.split('\n')[0] ?? String(err) };
    }
  }
  return loaded.pty;
}

/**
 * Why node-pty is not there, said so a reader can get it: npm leaves it out without a word when node-gyp
 * cannot build it (no compiler, or no Node headers offline), so "npm install --include=optional" did
 * nothing there. False when it loads.
 */
export function ptyMissingReason(): string | false {
  if (loadPty()) return false;
  return `node-pty could not be loaded (${loaded!.why}): node-gyp compiles it during npm install and needs a C++ compiler, make, python3 and Node's headers (offline: npm config set nodedir /usr); then npm rebuild node-pty (README, "Requirements")`;
}
