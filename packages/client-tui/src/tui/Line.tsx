import { Text } from 'ink';
import { lineToAnsi } from './ansi.js';
import type { SegLine } from './segments.js';

/** One screen line, pre-rendered with its escape codes into a single text node; never wrapped. */
export function Line({ line }: { line: SegLine }) {
  return <Text wrap="truncate">{lineToAnsi(line)}</Text>;
}
