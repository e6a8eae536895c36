import { stringWidth, type TermRun } from '@kubetile/rpc-schema';
import { cut, oneLine } from './cell-format.js';

/** A list in the pane (history, saved queries, completions): a selection, an optional name filter. */
export class ListPopup<T> {
  selected = 0;
  filter = '';
  filtering = false;
  /** Renaming the selected item: the new name typed so far. */
  renaming: string | null = null;
  message: string | null = null;

  constructor(
    readonly kind: 'history' | 'saved' | 'completion',
    readonly title: string,
    public items: T[],
    private readonly label: (item: T) => { main: string; detail: string },
    private readonly name: (item: T) => string = (i) => label(i).main,
  ) {}

  visible(): T[] {
    if (this.filter === '') return this.items;
    const f = this.filter.toLowerCase();
    return this.items.filter((i) => this.name(i).toLowerCase().includes(f));
  }

  current(): T | undefined {
    return this.visible()[this.selected];
  }

  move(step: number): void {
    const n = this.visible().length;
    this.selected = n === 0 ? 0 : (this.selected + step + n) % n;
  }

  render(width: number, height: number): TermRun[][] {
    const items = this.visible();
    const rows: TermRun[][] = [];
    const head = `${this.title} (${items.length}${this.filter ? ` matching '${this.filter}'` : ''})`;
    rows.push([{ text: cut(head, width), bold: true }]);
    const body = Math.max(1, height - 2);
    const top = Math.max(0, Math.min(this.selected - Math.floor(body / 2), items.length - body));
    for (let k = 0; k < body && top + k < items.length; k++) {
      const i = top + k;
      const { main, detail } = this.label(items[i]!);
      const sel = i === this.selected;
      const left = cut(oneLine(main), Math.max(8, Math.floor(width * 0.6)));
      rows.push([
        { text: `${sel ? '›' : ' '} ${left}`, ...(sel ? { inverse: true } : {}) },
        { text: `  ${cut(oneLine(detail), Math.max(0, width - stringWidth(left) - 4))}`, dim: true },
      ]);
    }
    if (items.length === 0) rows.push([{ text: '  (none)', dim: true }]);
    const hint =
      this.renaming !== null
        ? `new name: ${this.renaming}▏ (enter renames, esc cancels)`
        : this.filtering
          ? `filter: ${this.filter}▏ (enter keeps, esc clears)`
          : this.message ??
            (this.kind === 'saved'
              ? 'enter loads · d deletes · r renames · / filters · esc closes'
              : this.kind === 'history'
                ? 'enter loads · d deletes · esc closes'
                : 'tab/enter inserts · ↑↓ choose · esc closes');
    rows.push([{ text: cut(hint, width), dim: true }]);
    return rows;
  }
}

/** A one-line text input in the pane (the name to save a query under). */
export class InputPopup {
  constructor(
    readonly title: string,
    public value: string,
    readonly onSubmit: (value: string) => void,
  ) {}

  render(width: number): TermRun[][] {
    return [[{ text: cut(this.title, width), bold: true }], [{ text: '> ' }, { text: this.value, underline: true }], [{ text: 'enter saves · esc cancels', dim: true }]];
  }
}
