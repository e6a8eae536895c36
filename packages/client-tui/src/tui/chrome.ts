import { displayKey, type Overlay, type SessionLayout } from '@kubetile/rpc-schema/light';
import { centre, clip, fit, sanitize, stringWidth, truncate, wrap } from '../util/text.js';
import { fitLine, seg, type SegLine } from './segments.js';
import type { ConnState, ToastItem } from './store.js';
import { modeStyle, palette, styleFor, toastColor, type TextStyle } from './theme.js';

/** Row 0: `[1] title  [2] title …`, the active tab highlighted and kept in sight. */
export function tabBarLine(layout: SessionLayout | null, cols: number): SegLine {
  if (cols <= 0) return [];
  const barStyle: TextStyle = { backgroundColor: palette.headerBg };
  if (!layout) return fitLine([seg(' kubetile', { ...barStyle, color: palette.textDim })], cols, barStyle);
  const labels = layout.tabs.map((t, i) => ` [${i + 1}] ${truncate(sanitize(t.title), 30)} `);
  const active = Math.max(0, layout.tabs.findIndex((t) => t.id === layout.activeTabId));
  const session = ` ${sanitize(layout.session)} `;
  const favs = favoriteSegs(layout, Math.floor(cols / 3) - stringWidth(session) - 1, barStyle);
  const right = `${favs.map((x) => x.text).join('')}${session}`;
  const avail = cols - (stringWidth(right) + 1 < cols / 3 ? stringWidth(right) : 0);
  // Scroll: drop tabs from the left until the active one fits.
  let first = 0;
  const widthFrom = (a: number, b: number): number => labels.slice(a, b + 1).reduce((w, l) => w + stringWidth(l), 0);
  while (first < active && widthFrom(first, active) + (first > 0 ? 1 : 0) > avail) first++;
  const line: SegLine = [];
  if (first > 0) line.push(seg('‹', { ...barStyle, color: palette.textDim }));
  labels.slice(first).forEach((l, j) => {
    const i = first + j;
    line.push(seg(l, i === active ? { color: palette.insertFg, backgroundColor: palette.accent, bold: true } : { ...barStyle, color: palette.fg }));
  });
  const tabs = fitLine(line, avail, barStyle);
  if (avail >= cols) return tabs;
  const pad = cols - avail - stringWidth(right);
  return [...tabs, ...(pad > 0 ? [seg(' '.repeat(pad), barStyle)] : []), ...favs, seg(session, { ...barStyle, color: palette.textDim })];
}

/**
 * k9s's favorite namespaces, right of the tabs: `0 all  1 shop  2 payments` (keys 0–9), the tab's own
 * in bold; as many as fit in `room` columns (none when even `0 all` does not).
 */
function favoriteSegs(layout: SessionLayout, room: number, bar: TextStyle): SegLine {
  const names = layout.status.namespaces ?? [];
  if (names.length === 0) return [];
  const current = layout.tabs.find((t) => t.id === layout.activeTabId)?.namespace;
  const items: Array<[string, string]> = [['0', 'all'], ...names.slice(0, 9).map((n, i): [string, string] => [String(i + 1), truncate(sanitize(n), 20)])];
  const out: SegLine = [];
  let width = 0;
  for (const [key, name] of items) {
    const w = stringWidth(` ${key} ${name} `);
    if (width + w > room) break;
    const own = (key === '0' && current === '*') || (key !== '0' && name === current);
    out.push(seg(` ${key}`, { ...bar, color: palette.accent, bold: true }), seg(` ${name} `, { ...bar, color: own ? palette.fg : palette.textDim, bold: own }));
    width += w;
  }
  return out;
}

const SEP = ' │ ';

/** The last row: mode badge, context, cluster state, the input being typed, then the live hints. */
export function statusLine(layout: SessionLayout | null, conn: ConnState, cols: number): SegLine {
  if (cols <= 0) return [];
  const dim: TextStyle = { color: palette.textDim };
  if (conn.state !== 'connected' || !layout) {
    const text =
      conn.state === 'reconnecting'
        ? `daemon gone (${conn.reason}) — reconnecting…${conn.attempts > 1 ? ` (attempt ${conn.attempts})` : ''}`
        : conn.state === 'exited'
          ? `daemon exited (${conn.reason})`
          : conn.state === 'connecting'
            ? conn.message
            : 'waiting for the session layout…';
    const style = conn.state === 'connecting' ? styleFor('accent') : styleFor('error');
    return fitLine([seg(' OFFLINE ', { color: palette.insertFg, backgroundColor: palette.error, bold: true }), seg(' '), seg(text, style), seg(SEP, dim), seg('Ctrl+Q Quit', dim)], cols);
  }
  const line: SegLine = [seg(` ${layout.mode.toUpperCase()} `, modeStyle(layout.mode)), seg(' ')];
  // k9s's lock: this daemon refuses every write.
  if (layout.status.readonly) line.push(seg(' READ-ONLY ', { color: palette.insertFg, backgroundColor: palette.warn, bold: true }), seg(' '));
  line.push(seg(truncate(sanitize(layout.status.context), 24), { color: palette.accent }));
  const cluster = sanitize(layout.status.cluster);
  if (cluster && cluster !== layout.status.context) {
    const cs = /^(connected|ok|ready)$/i.test(cluster) ? styleFor('ok') : /error|fail|unreach|forbidden/i.test(cluster) ? styleFor('error') : styleFor('warn');
    // Long states (`no kubeconfig file found in …`) must not push the hints off the bar.
    line.push(seg(' '), seg(`(${truncate(cluster, 32)})`, cs));
  }
  if ((layout.mode === 'filter' || layout.mode === 'search' || layout.mode === 'insert') && layout.input !== undefined) {
    line.push(seg(SEP, dim), seg(`/${sanitize(layout.input)}_`, { color: palette.warn, bold: true }));
  }
  layout.status.hints.forEach((h, i) => {
    line.push(seg(i === 0 ? SEP : SEP, dim), seg(displayKey(h.key), { color: palette.fg, bold: true }), seg(` ${sanitize(h.label)}`, dim));
  });
  return fitLine(line, cols);
}

/** A box drawn on top of the body: its top-left corner (body coordinates) and its lines. */
export interface Floating {
  x: number;
  y: number;
  lines: SegLine[];
}

function boxed(title: string, inner: SegLine[], width: number, accent: string, badge = '', bg = palette.overlayBg): SegLine[] {
  const b: TextStyle = { color: accent, backgroundColor: bg };
  const fill: TextStyle = { backgroundColor: bg, color: palette.fg };
  const iw = width - 2;
  const top = title ? ` ${clip(sanitize(title), Math.max(0, iw - 3))} ` : '';
  const topLine: SegLine = [seg('╭─', b), seg(top, { ...b, bold: true }), seg('─'.repeat(Math.max(0, iw - 1 - stringWidth(top))) + '╮', b)];
  const bot = badge ? ` ${clip(badge, Math.max(0, iw - 3))} ` : '';
  const botLine: SegLine = [seg('╰' + '─'.repeat(Math.max(0, iw - 1 - stringWidth(bot))), b), seg(bot, b), seg('─╯', b)];
  return [
    fitLine(topLine, width, b),
    ...inner.map((l) => [seg('│', b), ...fitLine(l.map((s) => ({ ...s, style: { ...fill, ...s.style } })), iw, fill), seg('│', b)]),
    fitLine(botLine, width, b),
  ];
}

/** The overlay (selector, confirm, input) centred in a body of `cols` × `rows`. */
export function overlayBox(overlay: Overlay, cols: number, rows: number): Floating | null {
  if (cols < 8 || rows < 4) return null;
  const bg = palette.overlayBg;
  const sel: TextStyle = { backgroundColor: palette.selectionBg, color: palette.selectionFg, bold: true };
  let width: number;
  let inner: SegLine[];
  let badge = '';
  switch (overlay.type) {
    case 'selector': {
      const longest = Math.max(stringWidth(sanitize(overlay.title)) + 4, ...overlay.items.map((i) => stringWidth(sanitize(i)) + 4), 36);
      width = Math.min(cols - 2, Math.max(20, Math.min(80, longest + 2)));
      const iw = width - 2;
      const maxItems = Math.max(1, rows - 2 - 2);
      const n = overlay.items.length;
      let start = 0;
      if (n > maxItems) start = Math.min(Math.max(0, overlay.selected - Math.floor(maxItems / 2)), n - maxItems);
      inner = [[seg(' > ', { color: palette.accent, bold: true }), seg(`${sanitize(overlay.query)}_`)]];
      const items = overlay.items.slice(start, start + maxItems);
      if (items.length === 0) inner.push([seg(centre('no matches', iw), styleFor('dim'))]);
      items.forEach((it, j) => {
        const i = start + j;
        const text = fit(`${i === overlay.selected ? '›' : ' '} ${sanitize(it)}`, iw);
        inner.push([seg(text, i === overlay.selected ? sel : { backgroundColor: bg })]);
      });
      badge = overlay.total > 0 ? `${Math.min((overlay.offset ?? 0) + overlay.selected + 1, overlay.total)}/${overlay.total}` : '0/0';
      break;
    }
    case 'confirm': {
      const textWidth = Math.max(stringWidth(sanitize(overlay.text)), stringWidth(sanitize(overlay.title)) + 4, 24);
      width = Math.min(cols - 2, Math.min(64, textWidth + 6));
      const lines = wrap(overlay.text, width - 4, Math.max(1, rows - 6));
      inner = [[], ...lines.map((l) => [seg(centre(l, width - 2))]), [], [seg(centre('[y] Yes    [n] No', width - 2), { color: palette.accent, bold: true })]];
      break;
    }
    case 'input': {
      // Wide enough for its title too (up to 100 columns): "Scale Deployment shop/cart to replicas" and a long pod's port-forward question were cut.
      width = Math.min(cols - 2, Math.max(40, stringWidth(sanitize(overlay.value)) + 8, Math.min(100, stringWidth(sanitize(overlay.title)) + 6)));
      inner = [[seg(' > ', { color: palette.accent, bold: true }), seg(`${sanitize(overlay.value)}_`)], [seg(' Enter confirm · Esc cancel', styleFor('dim'))]];
      break;
    }
  }
  const lines = boxed(overlay.title, inner.slice(0, rows - 2), width, palette.accent, badge, bg);
  return { x: Math.floor((cols - width) / 2), y: Math.max(0, Math.floor((rows - lines.length) / 2)), lines };
}

const TOAST_ICON: Record<ToastItem['level'], string> = { info: 'ℹ', success: '✓', warn: '⚠', error: '✗' };
/** A toast's lines at most; a longer message ends in `…` where it is cut (it was cut silently). */
export const TOAST_LINES = 4;

/** `text` wrapped into `width` cells, at most `max` lines, the last ending in `…` when the text goes on. */
function wrapCut(text: string, width: number, max: number): string[] {
  const lines = wrap(text, width, max + 1);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  const last = kept[max - 1]!;
  kept[max - 1] = stringWidth(last) < width ? `${last}…` : `${clip(last, width - 1)}…`;
  return kept;
}

/** The last `max` toasts stacked bottom-right of the body, newest at the bottom. */
export function toastBoxes(toasts: readonly ToastItem[], cols: number, rows: number, max = 3): Floating[] {
  if (cols < 12 || rows < 3) return [];
  const shown = toasts.slice(-max);
  const out: Floating[] = [];
  let bottom = rows; // exclusive
  for (let k = shown.length - 1; k >= 0; k--) {
    const t = shown[k]!;
    const color = toastColor(t.level);
    const maxWidth = Math.min(cols - 2, 56);
    const text = `${TOAST_ICON[t.level]} ${sanitize(t.text)}`;
    const width = Math.min(maxWidth, Math.max(16, stringWidth(text) + 4));
    const lines = wrapCut(text, width - 4, TOAST_LINES);
    const box = boxed('', lines.map((l) => [seg(` ${l}`, { color })]), width, color, '', palette.overlayBg);
    const y = bottom - box.length;
    if (y < 0) break;
    out.unshift({ x: cols - width - 1, y, lines: box });
    bottom = y;
  }
  return out;
}
