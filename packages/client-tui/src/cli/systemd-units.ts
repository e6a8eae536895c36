/**
 * kubetile's systemd user units. The socket unit makes systemd own the socket (0600, in a 0700
 * directory) and start the service on the first connection; the service runs the installed
 * `kubetile daemon run`, which serves the socket it is passed (LISTEN_FDS) in its own process.
 * `systemd/` in the repository holds these templates as files (a test keeps them equal).
 */
export const SOCKET_UNIT = `# kubetile socket (systemd user unit). systemd creates the socket with these modes and starts
# kubetile.service on the first connection; the daemon serves it (LISTEN_FDS) and never unlinks it.
[Unit]
Description=kubetile daemon socket

[Socket]
ListenStream=%t/kubetile/kubetile.sock
SocketMode=0600
DirectoryMode=0700

[Install]
WantedBy=sockets.target
`;

/** @KUBETILE@ becomes the command that runs kubetile, @PATH@ a PATH where its node is found. */
export const SERVICE_TEMPLATE = `# kubetile daemon (systemd user unit), written by 'kubetile daemon install-units', which puts the
# installed kubetile (resolved when it runs) in ExecStart and node's directory in PATH.
[Unit]
Description=kubetile daemon: keyboard-driven Kubernetes workspace
Requires=kubetile.socket
After=kubetile.socket

[Service]
Type=simple
ExecStart=@KUBETILE@ daemon run
Environment="PATH=@PATH@"
Restart=on-failure
RestartSec=2

[Install]
WantedBy=default.target
`;

/**
 * One word of an ExecStart line: quoted when it has blanks or quotes; `%` (a specifier), `$` (a
 * variable: `/opt/$HOME/bin` ran /opt/<the service's HOME>/bin) and `\\` escaped for systemd.
 */
export function unitWord(word: string): string {
  const escaped = word.replace(/\\/g, '\\\\').replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /[\s"']/.test(word) ? `"${escaped.replace(/"/g, '\\"')}"` : escaped;
}

/** The service unit for this command line (e.g. `["/home/me/.npm/bin/kubetile"]`) and PATH. */
export function serviceUnit(command: readonly string[], path: string): string {
  if (/[\n"]/.test(path)) throw new Error(`PATH cannot go into a unit file: ${JSON.stringify(path)}`);
  for (const w of command) if (/[\n\0]/.test(w)) throw new Error(`a path with a line break cannot go into a unit file: ${JSON.stringify(w)}`);
  // Replaced by functions: a replacement string reads `$$`, `$&` and `$'` as patterns (a `$` in a path was lost).
  return SERVICE_TEMPLATE.replace('ExecStart=@KUBETILE@', () => `ExecStart=${command.map(unitWord).join(' ')}`).replace('PATH=@PATH@', () => `PATH=${path.replace(/%/g, '%%')}`);
}
