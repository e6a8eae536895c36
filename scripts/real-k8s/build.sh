#!/usr/bin/env bash
# Builds a real Kubernetes control plane (kube-apiserver, kube-controller-manager,
# kube-scheduler v1.20.2) from Debian's `kubernetes` source package with Debian's Go 1.19,
# and copies Debian's etcd 3.4 next to them, into a cache directory outside the repository:
#
#   ${KUBETILE_K8S_CACHE:-$HOME/.cache/kubetile/k8s-v1.20.2}/
#     bin/kube-apiserver bin/kube-controller-manager bin/kube-scheduler bin/etcd
#     stamp              (written last; its presence means the cache is complete)
#
# Idempotent: exits at once when the cache is complete. Otherwise it installs the missing
# Debian build dependencies with apt-get, fetches the source with `apt-get source` through a
# PRIVATE apt configuration (deb-src lines in a temp dir; the system's apt sources are not
# touched), builds with upstream `make WHAT=...` in a temp dir and moves the result into the
# cache atomically. About 4 minutes on 2 cores. See test/real-k8s/README.md.
#
# Environment:
#   KUBETILE_K8S_CACHE      cache dir (default above)
#   KUBETILE_K8S_KEEP_WORK=1  keep the temp build dir (for debugging a failed build)
#   KUBETILE_K8S_REBUILD=1  rebuild even if the cache is complete
set -euo pipefail

K8S_VERSION=v1.20.2
DEB_SOURCE_PKG=kubernetes
CACHE="${KUBETILE_K8S_CACHE:-$HOME/.cache/kubetile/k8s-${K8S_VERSION}}"
BINS=(kube-apiserver kube-controller-manager kube-scheduler)
STAMP_FORMAT=1

started=$(date +%s)
log() { printf '[real-k8s %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[real-k8s] ERROR: %s\n' "$*" >&2; exit 1; }
elapsed() { local s=$(( $(date +%s) - started )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

cache_complete() {
  [ -f "$CACHE/stamp" ] || return 1
  grep -q "^format=${STAMP_FORMAT}\$" "$CACHE/stamp" || return 1
  local b
  for b in "${BINS[@]}" etcd; do [ -x "$CACHE/bin/$b" ] || return 1; done
}

if [ "${KUBETILE_K8S_REBUILD:-0}" != 1 ] && cache_complete; then
  log "cache complete: $CACHE (nothing to do)"
  exit 0
fi

# One build at a time (several test files may ask for it at once): the second waits,
# then finds the cache complete.
mkdir -p "$(dirname "$CACHE")"
LOCK="$CACHE.lock"
exec 9>"$LOCK"
if ! flock -n 9; then
  log "another build holds $LOCK; waiting for it"
  flock 9
fi
if [ "${KUBETILE_K8S_REBUILD:-0}" != 1 ] && cache_complete; then
  log "cache completed by another build: $CACHE"
  exit 0
fi

log "building Kubernetes ${K8S_VERSION} control plane into $CACHE"

# --- Debian build dependencies -----------------------------------------------------------
GO_ROOT=/usr/lib/go-1.19
REFLECT2_SRC=/usr/share/gocode/src/github.com/modern-go/reflect2
need=()
[ -x "$GO_ROOT/bin/go" ] || need+=(golang-go)
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
command -v dpkg-source >/dev/null 2>&1 || need+=(dpkg-dev)
command -v make >/dev/null 2>&1 || need+=(make)
command -v gcc >/dev/null 2>&1 || need+=(build-essential)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
[ -f "$REFLECT2_SRC/reflect2.go" ] || need+=(golang-github-modern-go-reflect2-dev)
if [ ${#need[@]} -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  if [ "$(id -u)" != 0 ]; then
    SUDO=sudo
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install ${need[*]}"
  else
    SUDO=
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq || die "apt-get update failed"
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || die "apt-get install ${need[*]} failed"
fi
[ -x "$GO_ROOT/bin/go" ] || die "Go 1.19 not found at $GO_ROOT (Debian package golang-1.19-go)"
ETCD_BIN=$(command -v etcd) || die "etcd not found after installing etcd-server"
[ -f "$REFLECT2_SRC/reflect2.go" ] || die "reflect2 1.0.2 source not found at $REFLECT2_SRC"

# --- work dir (removed on exit unless KUBETILE_K8S_KEEP_WORK=1) ---------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kubetile-k8s-build.XXXXXX")
STAGE="$CACHE.staging.$$"
cleanup() {
  local rc=$?
  rm -rf "$STAGE"
  if [ "${KUBETILE_K8S_KEEP_WORK:-0}" = 1 ]; then
    log "kept work dir $WORK"
  else
    rm -rf "$WORK"
  fi
  if [ $rc -ne 0 ]; then
    printf '[real-k8s] ERROR: build failed after %s (exit %d); log: %s\n' "$(elapsed)" "$rc" \
      "${BUILD_LOG:-n/a}" >&2
  fi
}
trap cleanup EXIT
log "work dir $WORK"

# --- fetch the Debian source through a private apt config ----------------------------------
APTDIR="$WORK/apt"
mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/sources.list.d"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$KEYRING" ] || die "$KEYRING missing (package debian-archive-keyring)"
cat >"$APTDIR/sources.list" <<EOF
deb-src [signed-by=$KEYRING] http://deb.debian.org/debian bookworm main
deb-src [signed-by=$KEYRING] http://deb.debian.org/debian bookworm-updates main
deb-src [signed-by=$KEYRING] http://deb.debian.org/debian-security bookworm-security main
EOF
APT_OPTS=(
  -o "Dir::Etc::SourceList=$APTDIR/sources.list"
  -o "Dir::Etc::SourceParts=$APTDIR/sources.list.d"
  -o "Dir::State::Lists=$APTDIR/lists"
  -o "Dir::Cache=$APTDIR/cache"
  -o "APT::Sandbox::User=root"
)
log "apt-get update (private deb-src config)"
apt-get "${APT_OPTS[@]}" -qq update || die "apt-get update with the private deb-src config failed"
mkdir -p "$WORK/src"
log "apt-get source $DEB_SOURCE_PKG"
(cd "$WORK/src" && apt-get "${APT_OPTS[@]}" -qq source "$DEB_SOURCE_PKG" >"$WORK/apt-source.log" 2>&1) \
  || { tail -20 "$WORK/apt-source.log" >&2; die "apt-get source $DEB_SOURCE_PKG failed"; }
SRC=$(find "$WORK/src" -mindepth 1 -maxdepth 1 -type d -name 'kubernetes-*' | head -1)
[ -n "$SRC" ] && [ -f "$SRC/Makefile" ] || die "no unpacked kubernetes source tree in $WORK/src"
grep -q "tag: ${K8S_VERSION}'" "$SRC/hack/lib/version.sh" \
  || die "$SRC is not upstream ${K8S_VERSION} (hack/lib/version.sh); Debian's package changed?"
log "source: $(basename "$SRC") ($(ls "$WORK/src"/*.dsc | xargs -n1 basename))"

# --- fix: vendored reflect2 1.0.1 panics under Go >= 1.18; use Debian's 1.0.2 ---------------
V="$SRC/vendor/github.com/modern-go/reflect2"
[ -d "$V" ] || die "vendor/github.com/modern-go/reflect2 missing in the source tree"
rm -rf "$V"
mkdir -p "$V"
cp -a "$REFLECT2_SRC"/. "$V"/
find "$V" -name '*_test.go' -delete
log "replaced vendored reflect2 with Debian's $(dpkg-query -W -f='${Version}' golang-github-modern-go-reflect2-dev 2>/dev/null || echo '1.0.2')"

# --- build ---------------------------------------------------------------------------------
export PATH="$GO_ROOT/bin:$PATH"
export GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath" GOPROXY=off GOFLAGS= GO111MODULE=
export CGO_ENABLED=0
command -v rsync >/dev/null || die "rsync not on PATH"
log "$(go version); make WHAT=cmd/{kube-apiserver,kube-controller-manager,kube-scheduler} (about 4 min)"
BUILD_LOG="$WORK/make.log"
whats=$(printf 'cmd/%s ' "${BINS[@]}")
if ! (cd "$SRC" && make WHAT="${whats% }" >"$BUILD_LOG" 2>&1); then
  tail -40 "$BUILD_LOG" >&2
  if [ "${KUBETILE_K8S_KEEP_WORK:-0}" != 1 ]; then
    cp "$BUILD_LOG" "${CACHE}.build-failed.log" 2>/dev/null && BUILD_LOG="${CACHE}.build-failed.log"
  fi
  die "make failed (last lines above)"
fi
log "make done after $(elapsed)"

# --- stage next to the cache, then move it into place atomically ----------------------------
rm -rf "$STAGE"
mkdir -p "$STAGE/bin"
for b in "${BINS[@]}"; do
  [ -x "$SRC/_output/bin/$b" ] || die "make produced no _output/bin/$b"
  cp "$SRC/_output/bin/$b" "$STAGE/bin/$b"
done
cp "$ETCD_BIN" "$STAGE/bin/etcd"
"$STAGE/bin/kube-apiserver" --version >/dev/null || die "built kube-apiserver does not run"
{
  echo "format=${STAMP_FORMAT}"
  echo "version=$("$STAGE/bin/kube-apiserver" --version | awk '{print $2}')"
  echo "source=$(ls "$WORK/src"/*.dsc | xargs -n1 basename)"
  echo "go=$(go version | awk '{print $3}')"
  echo "etcd=$("$STAGE/bin/etcd" --version 2>/dev/null | head -1 | awk '{print $3}')"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "build_seconds=$(( $(date +%s) - started ))"
} >"$STAGE/stamp"
rm -f "${CACHE}.build-failed.log"
if [ -e "$CACHE" ]; then
  OLD="$CACHE.old.$$"
  mv "$CACHE" "$OLD"
  mv "$STAGE" "$CACHE"
  rm -rf "$OLD"
else
  mv "$STAGE" "$CACHE"
fi
log "done in $(elapsed): $CACHE"
sed 's/^/  /' "$CACHE/stamp" >&2
