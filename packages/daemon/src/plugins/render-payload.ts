import { z } from 'zod';
import { RENDER_HARD_MAX_BYTES, RENDER_MAX_BYTES, RENDER_MAX_LINES, mib } from './abi.js';

/** RenderPayload: what `plugin_on_command`/`_open`/`_tick` return and `host_send_render` takes. */
export const RenderPayloadSchema = z.object({ lines: z.array(z.string()) });

export type RenderRead =
  | { ok: true; lines: string[] | null }
  /** `oversize` ends the call like a crash; `invalid` is the plugin's bug, shown in its pane. */
  | { ok: false; kind: 'oversize' | 'invalid'; reason: string };

const decoder = new TextDecoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** A render's bytes as JSON: `empty` means "no re-render"; over the hard limit they are not even decoded. */
export type RenderJson = { ok: true; empty: true } | { ok: true; empty: false; json: unknown } | { ok: false; kind: 'oversize' | 'invalid'; reason: string };

/** The JSON of a render (v1 and v2 alike); `strictUtf8` refuses invalid UTF-8 instead of replacing it. */
export function renderJson(bytes: Uint8Array | null, source: string, strictUtf8 = false): RenderJson {
  if (!bytes || bytes.byteLength === 0) return { ok: true, empty: true };
  if (bytes.byteLength > RENDER_HARD_MAX_BYTES) {
    return { ok: false, kind: 'oversize', reason: `${source} sent a render of ${mib(bytes.byteLength)}, over the ${mib(RENDER_HARD_MAX_BYTES)} limit` };
  }
  try {
    return { ok: true, empty: false, json: JSON.parse((strictUtf8 ? strictDecoder : decoder).decode(bytes)) };
  } catch (err) {
    // JSON.parse quotes the text it choked on: the plugin's bytes, control characters included.
    return { ok: false, kind: 'invalid', reason: sanitizeLine(`${source} sent output that is not ${strictUtf8 ? 'UTF-8 ' : ''}JSON: ${(err as Error).message}`) };
  }
}

/**
 * Reads a render from a plugin's bytes: empty means "no re-render"; over the hard limit it is not
 * even decoded; otherwise it must be `{"lines":[string…]}`, and is cut to the soft limits.
 */
export function readRender(bytes: Uint8Array | null, source: string): RenderRead {
  const read = renderJson(bytes, source);
  if (!read.ok) return read;
  if (read.empty) return { ok: true, lines: null };
  const parsed = RenderPayloadSchema.safeParse(read.json);
  if (!parsed.success) return { ok: false, kind: 'invalid', reason: `${source} sent output that is not a render ({"lines":["…"]})` };
  return { ok: true, lines: boundLines(parsed.data.lines) };
}

// C0/C1 controls would reach the user's terminal, and bidirectional overrides and isolates would
// reorder what a terminal doing bidi shows (a name read backwards, text of another row's look):
// tabs become a space, the rest U+FFFD (v2 renders refuse them outright).
// eslint-disable-next-line no-control-regex
export const TERMINAL_UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const CONTROL = new RegExp(TERMINAL_UNSAFE.source, 'g');

export function sanitizeLine(line: string): string {
  return line.replace(/\t/g, ' ').replace(CONTROL, '\ufffd');
}

/** Cuts a render to RENDER_MAX_LINES / RENDER_MAX_BYTES, ending with a line that says so. */
export function boundLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  let bytes = 0;
  for (const raw of lines) {
    const line = sanitizeLine(raw);
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (out.length >= RENDER_MAX_LINES || bytes + size > RENDER_MAX_BYTES) {
      out.push(cutMarker(lines.length, out.length));
      return out;
    }
    bytes += size;
    out.push(line);
  }
  return out;
}

export function cutMarker(total: number, shown: number): string {
  return `… render cut: the plugin sent ${total} lines, showing ${shown} (limit ${RENDER_MAX_LINES} lines / ${RENDER_MAX_BYTES / 1024} KiB)`;
}
