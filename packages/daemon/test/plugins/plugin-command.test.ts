import { describe, expect, it } from 'vitest';
import { PANE_COMMAND_TYPES, type PaneCommand } from '@kubetile/rpc-schema';
import { commandInput, fromPaneCommand, PLUGIN_COMMAND_TYPES, PluginCommandSchema } from '../../src/plugins/plugin-command.js';

/** Every PaneCommand variant with the PluginCommand it must become (null: dropped). */
const CASES: Array<[PaneCommand, unknown]> = [
  [{ type: 'scroll_up' }, { type: 'scroll_up' }],
  [{ type: 'scroll_down' }, { type: 'scroll_down' }],
  [{ type: 'select_next' }, { type: 'select_next' }],
  [{ type: 'select_prev' }, { type: 'select_prev' }],
  [{ type: 'select' }, { type: 'select' }],
  [{ type: 'back' }, { type: 'back' }],
  [{ type: 'go_to_top' }, { type: 'go_to_top' }],
  [{ type: 'go_to_bottom' }, { type: 'go_to_bottom' }],
  [{ type: 'page_up' }, { type: 'page_up' }],
  [{ type: 'page_down' }, { type: 'page_down' }],
  [{ type: 'toggle_follow' }, { type: 'toggle_follow' }],
  [{ type: 'toggle_wrap' }, { type: 'toggle_wrap' }],
  [{ type: 'scroll_left' }, { type: 'scroll_left' }],
  [{ type: 'scroll_right' }, { type: 'scroll_right' }],
  [{ type: 'send_input', text: 'kubectl ✓\n' }, { type: 'send_input', text: 'kubectl ✓\n' }],
  [{ type: 'search_input', char: 'x' }, null],
  [{ type: 'search_confirm' }, null],
  [{ type: 'search_clear' }, null],
  [{ type: 'filter', query: 'web' }, { type: 'filter', query: 'web' }],
  [{ type: 'clear_filter' }, { type: 'clear_filter' }],
  [{ type: 'sort_by_column', column: 2 }, null],
  [{ type: 'toggle_sort_order' }, null],
  [{ type: 'toggle_mark' }, null],
  [{ type: 'clear_marks' }, null],
];

describe('PluginCommand.fromPaneCommand', () => {
  it('covers all 24 PaneCommand variants', () => {
    expect(PANE_COMMAND_TYPES).toHaveLength(24);
    expect(CASES.map(([c]) => c.type).sort()).toEqual([...PANE_COMMAND_TYPES].sort());
  });

  for (const [pane, plugin] of CASES) {
    it(`${pane.type} → ${plugin === null ? 'nothing' : JSON.stringify(plugin)}`, () => {
      const got = fromPaneCommand(pane);
      expect(got).toEqual(plugin);
      if (got !== null) expect(PluginCommandSchema.parse(got)).toEqual(got);
    });
  }

  it('has the 19 ABI v1 command types: the mapped ones plus focus and resize', () => {
    expect([...PLUGIN_COMMAND_TYPES].sort()).toEqual(
      [...new Set(CASES.flatMap(([, p]) => (p === null ? [] : [(p as { type: string }).type])).concat(['focus', 'resize']))].sort(),
    );
    expect(PLUGIN_COMMAND_TYPES).toHaveLength(19);
  });

  it('serialises as tagged snake_case JSON with the pane id', () => {
    expect(JSON.parse(commandInput({ type: 'resize', width: 80, height: 24 }, 7))).toEqual({ type: 'resize', width: 80, height: 24, pane_id: 7 });
    expect(JSON.parse(commandInput({ type: 'focus', focused: true }, 3))).toEqual({ type: 'focus', focused: true, pane_id: 3 });
    expect(JSON.parse(commandInput({ type: 'filter', query: 'a"b' }, 1))).toEqual({ type: 'filter', query: 'a"b', pane_id: 1 });
  });

  it('the SDK speaks the same command types', async () => {
    const abi = (await import('@kubetile/sdk/abi')) as { COMMAND_TYPES: readonly string[] };
    expect([...abi.COMMAND_TYPES].sort()).toEqual([...PLUGIN_COMMAND_TYPES].sort());
  });
});
