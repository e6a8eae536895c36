import { describe, expect, it } from 'vitest';
import { statusLine } from '../src/tui/chrome.js';
import { lineText } from '../src/tui/segments.js';
import { splitLayout } from './fixtures.js';

/** The status bar says READ-ONLY (k9s's lock) after the mode when the daemon refuses writes, and only then. */
describe('status bar in read-only mode', () => {
  const connected = { state: 'connected' } as const;
  it('READ-ONLY follows the mode when the layout says the daemon is read-only', () => {
    const base = splitLayout();
    const ro = statusLine({ ...base, status: { ...base.status, readonly: true } }, connected, 160);
    expect(lineText(ro)).toMatch(/^ NORMAL {3}READ-ONLY {2}kind-dev/);
    expect(ro.find((s) => s.text === ' READ-ONLY ')?.style).toMatchObject({ bold: true });
    expect(lineText(statusLine(base, connected, 160))).not.toContain('READ-ONLY');
  });
});
