import type { PluginRender, PluginSessionSink } from './plugin-session.js';
import { readRender } from './render-payload.js';
import { plainText, readRenderV2 } from './render-v2.js';

export type AnyRenderRead = { ok: true; render: PluginRender | null } | { ok: false; kind: 'oversize' | 'invalid'; reason: string };

/** Reads an export's output as the plugin's ABI says: v1 lines, or (v2) styled lines and tables. */
export function readAnyRender(bytes: Uint8Array | null, source: string, v2: boolean): AnyRenderRead {
  if (!v2) {
    const r = readRender(bytes, source);
    return r.ok ? { ok: true, render: r.lines ? { kind: 'plain', lines: r.lines } : null } : r;
  }
  const r = readRenderV2(bytes, source);
  return r.ok ? { ok: true, render: r.render ? { kind: 'rich', render: r.render } : null } : r;
}

/** Hands a render to a sink: rich renders to `rich` when the sink draws them, else as plain text. */
export function deliverRender(sink: PluginSessionSink | null, r: PluginRender): void {
  if (!sink) return;
  if (r.kind === 'plain') sink.render(r.lines);
  else if (sink.rich) sink.rich(r.render);
  else sink.render(plainText(r.render));
}
