import { watch, type FSWatcher } from 'chokidar';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` (debounced) when the file is written, replaced atomically, created or
 * removed. Watches the directory so an editor's rename-over-save and a first creation are seen.
 */
export function watchFile(file: string, onChange: () => void, debounceMs = 100): { close(): Promise<void> } {
  const name = basename(file);
  let timer: NodeJS.Timeout | null = null;
  const fire = (path: string): void => {
    if (basename(path) !== name) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, debounceMs);
  };
  const watcher: FSWatcher = watch(dirname(file), {
    ignoreInitial: true,
    depth: 0,
    ignored: (p: string) => p !== dirname(file) && basename(p) !== name,
  });
  watcher.on('add', fire).on('change', fire).on('unlink', fire).on('error', () => undefined);
  return {
    async close() {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
