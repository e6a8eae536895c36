import { z } from 'zod';
import { isPermission, PERMISSIONS } from './abi.js';
import { shownName } from './shown-name.js';
import { readCustomSection } from './wasm-inspect.js';

/** The custom WebAssembly section a plugin states its permissions (and why) in. */
export const MANIFEST_SECTION = 'kubetile.manifest';
/** A manifest bigger than this is refused. */
export const MANIFEST_MAX_BYTES = 16 * 1024;
/** Longest reason shown for one permission. */
export const REASON_MAX_CHARS = 200;

const Reason = z
  .string()
  .min(1, 'a reason must not be empty')
  .max(REASON_MAX_CHARS, `a reason is at most ${REASON_MAX_CHARS} characters`)
  // Shown in a dialog on the user's terminal: no escape sequences, no line breaks.
  .refine((s) => !/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(s), 'a reason must not contain control characters (line breaks, escapes, bidirectional overrides)');

const ManifestSchema = z
  .object({
    permissions: z.record(z.string(), Reason),
  })
  .strict();

/** What a plugin asks for: each permission with the reason it gives. */
export interface PluginManifest {
  permissions: Record<string, string>;
}

/** The module's manifest, null when it has none; throws an Error naming what is wrong with a bad one. */
export function readManifest(bytes: Uint8Array): PluginManifest | null {
  const raw = readCustomSection(bytes, MANIFEST_SECTION);
  if (raw === null) return null;
  if (raw.byteLength > MANIFEST_MAX_BYTES) throw new Error(`its ${MANIFEST_SECTION} section is ${raw.byteLength} bytes, over the ${MANIFEST_MAX_BYTES}-byte limit`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (err) {
    throw new Error(`its ${MANIFEST_SECTION} section is not UTF-8 JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? ` at ${shownName(issue.path.map(String).join('.'))}` : '';
    throw new Error(`its ${MANIFEST_SECTION} section is invalid${where}: ${shownName(issue.message, 300)}`);
  }
  const unknown = Object.keys(parsed.data.permissions).find((p) => !isPermission(p));
  if (unknown !== undefined) throw new Error(`its ${MANIFEST_SECTION} section asks for unknown permission '${shownName(unknown)}' (known: ${PERMISSIONS.join(', ')})`);
  return { permissions: parsed.data.permissions };
}

/** Appends a manifest section to module bytes (custom sections may come anywhere). For builds and tests. */
export function withManifest(bytes: Uint8Array, manifest: PluginManifest): Uint8Array {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      out.push(b);
    } while (n !== 0);
    return out;
  };
  const name = new TextEncoder().encode(MANIFEST_SECTION);
  const payload = new TextEncoder().encode(JSON.stringify(manifest));
  const body = [...uleb(name.byteLength), ...name, ...payload];
  return new Uint8Array([...bytes, 0, ...uleb(body.length), ...body]);
}
