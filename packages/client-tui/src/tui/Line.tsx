import { Text } from 'ink';
import type { SegLine } from './segments.js';

/** One screen line: styled segments, never wrapped. */
export function Line({ line }: { line: SegLine }) {
  return (
    <Text wrap="truncate">
      {line.map((s, i) => (
        <Text
          key={i}
          color={s.style?.color}
          backgroundColor={s.style?.backgroundColor}
          bold={s.style?.bold}
          dimColor={s.style?.dim}
          inverse={s.style?.inverse}
        >
          {s.text}
        </Text>
      ))}
    </Text>
  );
}
