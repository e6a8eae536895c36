/**
 * A value a script or plugin sent, as an error shows it: JSON, cut to 80 characters with its length
 * (a 1 MB string came back whole in the error, to the script and into the log).
 */
export function shownValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 80)}… (${text.length} characters)` : text;
}
