import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Names that may be tried before giving up (a directory full of one name's copies). */
const MAX_TRIES = 100;

/**
 * Writes `text` to a file that did not exist before in `dir`: `<stem><ext>`, or `<stem>-2<ext>`,
 * `-3`, … when that name is taken (never over another file). The stem is made safe for a file
 * name. Returns the path written.
 */
export async function writeNewFile(dir: string, stem: string, ext: string, text: string, mode = 0o600): Promise<string> {
  const safe = stem.replace(/[^A-Za-z0-9._-]/g, '_');
  for (let n = 1; ; n++) {
    const file = join(dir, `${safe}${n === 1 ? '' : `-${n}`}${ext}`);
    try {
      await writeFile(file, text, { mode, flag: 'wx' });
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= MAX_TRIES) throw err;
    }
  }
}
