#!/usr/bin/env bash
# Installs kubetile's systemd user units (socket activation) and enables the socket.
# Usage: scripts/install-systemd-units.sh [--no-enable] [--dir DIR]   (UNIT_DIR also sets the directory)
# The units run the installed `kubetile daemon run`: the kubetile on the PATH when there is one,
# else this checkout's. Same as `kubetile daemon install-units`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
args=("$@")
if [ -n "${UNIT_DIR:-}" ]; then args+=(--dir "$UNIT_DIR"); fi
if command -v kubetile >/dev/null 2>&1; then
  exec kubetile daemon install-units "${args[@]}"
fi
main="$root/packages/client-tui/dist/main.js"
[ -f "$main" ] || { echo "install-systemd-units: $main is missing; run 'npm install' first" >&2; exit 1; }
exec node "$main" daemon install-units "${args[@]}"
