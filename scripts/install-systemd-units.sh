#!/usr/bin/env bash
# Installs kubetile's systemd user units for this checkout and enables socket activation.
# Usage: scripts/install-systemd-units.sh [--no-enable]   (UNIT_DIR overrides the target dir)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
unit_dir="${UNIT_DIR:-${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user}"
node_bin="$(command -v node)"
daemon="$root/packages/daemon/dist/main.js"
[ -f "$daemon" ] || { echo "install-systemd-units: $daemon is missing; run 'npm install' first" >&2; exit 1; }
mkdir -p "$unit_dir"
sed -e "s|@NODE@|$node_bin|g" -e "s|@DAEMON@|$daemon|g" "$root/systemd/kubetile.service" > "$unit_dir/kubetile.service"
cp "$root/systemd/kubetile.socket" "$unit_dir/kubetile.socket"
echo "installed kubetile.service and kubetile.socket in $unit_dir"
if [ "${1:-}" != "--no-enable" ]; then
  systemctl --user daemon-reload
  systemctl --user enable --now kubetile.socket
  echo "enabled kubetile.socket: the daemon starts on the first 'kubetile'"
fi
