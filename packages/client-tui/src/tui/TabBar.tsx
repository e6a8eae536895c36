import type { SessionLayout } from '@kubetile/rpc-schema';
import { tabBarLine } from './chrome.js';
import { Line } from './Line.js';

export function TabBar({ layout, cols }: { layout: SessionLayout | null; cols: number }) {
  return <Line line={tabBarLine(layout, cols)} />;
}
