import type { SessionLayout } from '@kubetile/rpc-schema';
import { statusLine } from './chrome.js';
import { Line } from './Line.js';
import type { ConnState } from './store.js';

export function StatusBar({ layout, conn, cols }: { layout: SessionLayout | null; conn: ConnState; cols: number }) {
  return <Line line={statusLine(layout, conn, cols)} />;
}
