/**
 * Pasted text as one typed line: its lines joined by a space (trailing empty lines dropped, so a
 * copied line's newline adds nothing), tabs as spaces, other control characters removed. A paste
 * never submits a one-line input: Enter stays the user's key.
 */
export function pastedLine(text: string): string {
  const lines = text.split(/\r\n|\r|\n/);
  while (lines.length > 1 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.join(' ').replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}
