import { fileStamp, watchFile } from '../config/watch.js';
import type { ClusterManager, KubeconfigReload } from '../kube/cluster.js';
import { kubeconfigPaths } from '../kube/cluster.js';
import type { Logger } from '../logging/logger.js';
import type { Workspace } from '../session/workspace.js';
import { truncate } from '../kube/render/lines.js';

/** Kubeconfig files watched at most (each is a directory watch). */
const MAX_WATCHED = 32;
/** Certificate and key files a kubeconfig names watched at most, besides. */
const MAX_NAMED_WATCHED = 32;

/** Quiet time after a kubeconfig write before it is read (kubectl and editors write in steps). */
const KUBECONFIG_QUIET_MS = 400;

/** Context names a toast lists of each kind (a kubeconfig of thousands changed at once is counted, not listed). */
const NAMES_SAID = 5;

/** `a, b, c` — or, past NAMES_SAID, the first of them and how many more. */
function someNames(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_SAID).map((n) => truncate(n, 81));
  return names.length > NAMES_SAID ? `${shown.join(', ')} and ${names.length - NAMES_SAID} more` : shown.join(', ');
}

/** What the clients are told of a reload, or null when nothing they use changed. */
export function describeReload(r: KubeconfigReload, hadCluster: boolean): { level: 'success' | 'warn'; text: string } | null {
  if (!r.ok) return hadCluster ? { level: 'warn', text: `the kubeconfig changed but cannot be used (${truncate(r.problem, 301)}); kept the one loaded before` } : null;
  const parts = [
    r.added.length ? `added ${someNames(r.added)}` : '',
    r.changed.length ? `changed ${someNames(r.changed)}` : '',
    r.removed.length ? `removed ${someNames(r.removed)}` : '',
  ].filter(Boolean);
  if (r.wasUnavailable) return { level: 'success', text: `kubeconfig loaded: ${r.added.length} context${r.added.length === 1 ? '' : 's'}` };
  return parts.length ? { level: 'success', text: `kubeconfig reloaded: contexts ${parts.join('; ')}` } : null;
}

/**
 * Watches the kubeconfig files kubectl would read (each $KUBECONFIG entry, else ~/.kube/config,
 * whether it exists yet or not) and reads them again after a change: contexts added, changed or
 * removed take effect without a restart (see ClusterManager.reload), tabs that had no cluster take
 * the current context, and the attached clients are told what changed in a toast. `stamps`: each
 * file's stamp when the kubeconfig was loaded (a write before the watch is ready is seen too).
 */
export function watchKubeconfig(kube: ClusterManager, workspace: Workspace, logger: Logger, stamps: ReadonlyMap<string, string>): { close(): Promise<void> } {
  const onChange = (): void => {
    const hadCluster = kube.available;
    const r = kube.reload();
    if (r.ok && r.wasUnavailable) workspace.adoptScope(kube.defaultScope());
    if (r.ok) kube.reloaded.emit();
    else logger.warn({ problem: r.problem }, 'kubeconfig not reloaded');
    if (r.ok) watchNamed(fileStamp);
    const said = describeReload(r, hadCluster);
    if (said) for (const c of workspace.clients.values()) c.sink.toast(said.level, said.text);
    workspace.refreshAll();
  };
  const paths = kubeconfigPaths();
  // A KUBECONFIG of hundreds of entries is read whole, but not every entry gets a watcher.
  if (paths.length > MAX_WATCHED) logger.warn({ files: paths.length, watched: MAX_WATCHED }, `KUBECONFIG names ${paths.length} files: changes to the first ${MAX_WATCHED} are watched`);
  const watches = paths.slice(0, MAX_WATCHED).map((file) => watchFile(file, onChange, KUBECONFIG_QUIET_MS, stamps.get(file) ?? 'missing'));
  // The certificate and key files it names are read with it (inlined): a CA or client certificate made
  // anew in place (`minikube delete && minikube start`, a rotated client certificate) was used stale
  // until the daemon restarted, every request failing TLS. Watched too, following the kubeconfig's names.
  const named = new Map<string, { close(): Promise<void> }>();
  const watchNamed = (since: (file: string) => string | undefined): void => {
    const want = new Set(kube.namedFiles().filter((f) => !paths.includes(f)).slice(0, MAX_NAMED_WATCHED));
    for (const [file, w] of named) {
      if (want.has(file)) continue;
      void w.close();
      named.delete(file);
    }
    for (const file of want) if (!named.has(file)) named.set(file, watchFile(file, onChange, KUBECONFIG_QUIET_MS, since(file) ?? 'missing'));
  };
  watchNamed((file) => stamps.get(file));
  return {
    async close() {
      await Promise.all([...watches, ...named.values()].map((w) => w.close()));
    },
  };
}

/** Each kubeconfig path's stamp now (before it is read), for watchKubeconfig. */
export function kubeconfigStamps(): Map<string, string> {
  return new Map(kubeconfigPaths().map((f) => [f, fileStamp(f)]));
}

/** `stamps` with the stamp of each file the loaded kubeconfig names (taken just after it was read), for watchKubeconfig. */
export function withNamedStamps(stamps: ReadonlyMap<string, string>, kube: ClusterManager): Map<string, string> {
  const all = new Map(stamps);
  for (const f of kube.namedFiles()) if (!all.has(f)) all.set(f, fileStamp(f));
  return all;
}
