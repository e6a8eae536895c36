/** Single-quoted for sh: `it's` → `'it'\''s'`. */
export const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The command an exec pane runs: one `sh -c` script that `exec`s the first of `shells` the
 * container has (`command -v` finds it on the PATH), so the shell replaces sh and its exit code is
 * the session's. When none is there it says so and exits 127 (a container without even `sh`
 * fails earlier, with the runtime's "executable file not found").
 */
export function shellCommand(shells: readonly string[]): string[] {
  const tries = shells.map((s) => `command -v ${shQuote(s)} >/dev/null && exec ${shQuote(s)}`).join(' || ');
  const none = shQuote(`kubetile: none of ${shells.join(', ')} is in this container`);
  return ['sh', '-c', `${tries}; echo ${none}; exit 127`];
}
