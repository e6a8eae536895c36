/**
 * Readline's erasing keys in the one-line inputs (a dialog's value, the filter line, a selector's
 * search), as bash, k9s's prompts and tview's input fields have them: backspace deletes the last
 * character, ctrl+u the whole line, ctrl+w the word before the cursor (and the spaces after it).
 * The cursor is always at the end. The new text, or null when `key` is not one of them.
 */
export function editLine(value: string, key: string): string | null {
  switch (key) {
    case 'backspace':
      return [...value].slice(0, -1).join('');
    case 'ctrl+u':
      return '';
    case 'ctrl+w':
      return value.replace(/\S*\s*$/u, '');
    default:
      return null;
  }
}
