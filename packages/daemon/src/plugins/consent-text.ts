import type { LoadedModule } from './plugin-module.js';

const NO_REASON = 'no reason given (the module has no kubetile.manifest)';

const reasonOf = (mod: LoadedModule, perm: string): string => mod.manifest?.permissions[perm] ?? NO_REASON;
const short = (sha: string): string => sha.slice(0, 12);
const list = (perms: readonly string[]): string => perms.map((p) => `'${p}'`).join(', ');

/** The dialog: only the permissions not consented to before, each with the reason the manifest gives. */
export function consentText(key: string, mod: LoadedModule, missing: readonly string[]): string {
  const lines = missing.map((p) => `  ${p}: ${reasonOf(mod, p)}`);
  const what = missing.length === 1 ? 'a permission it was not granted before' : `${missing.length} permissions it was not granted before`;
  return [`Plugin '${key}' (build ${short(mod.sha256)}) asks for ${what}:`, ...lines, 'Allow?'].join('\n');
}

/** What its panes and plugin/list say while the build waits. */
export function waitingText(key: string, mod: LoadedModule, missing: readonly string[]): string {
  return (
    `waits for your consent to ${list(missing)} (build ${short(mod.sha256)}): answer the dialog, ` +
    `or run kubetile rpc plugin/grant '{"key":"${key}"}', or add grant = [${missing.map((p) => `"${p}"`).join(', ')}] to its [[plugins]] entry`
  );
}

/** …and once the user said no. */
export function refusedText(key: string, mod: LoadedModule, missing: readonly string[]): string {
  return (
    `is not run: you refused it ${list(missing)} (build ${short(mod.sha256)}); ` +
    `kubetile rpc plugin/grant '{"key":"${key}"}' or a grant in its [[plugins]] entry allows it, a new build asks again`
  );
}
