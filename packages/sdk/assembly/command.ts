// PluginCommand: what the host sends to `plugin_on_command`.

import { JSON, asObj, getBool, getInt, getString, quote as quoteJson } from "./json";

/** The `type` of a PluginCommand. `Unknown` covers types added after this SDK. */
export enum CommandKind {
  Unknown,
  ScrollUp,
  ScrollDown,
  SelectNext,
  SelectPrev,
  Select,
  Back,
  GoToTop,
  GoToBottom,
  PageUp,
  PageDown,
  ToggleFollow,
  ToggleWrap,
  ScrollLeft,
  ScrollRight,
  SendInput,
  Filter,
  ClearFilter,
  Focus,
  Resize,
}

const KIND_NAMES: string[] = [
  "unknown",
  "scroll_up",
  "scroll_down",
  "select_next",
  "select_prev",
  "select",
  "back",
  "go_to_top",
  "go_to_bottom",
  "page_up",
  "page_down",
  "toggle_follow",
  "toggle_wrap",
  "scroll_left",
  "scroll_right",
  "send_input",
  "filter",
  "clear_filter",
  "focus",
  "resize",
];

/** The wire name (`"select_next"`) of a kind. */
export function commandKindName(kind: CommandKind): string {
  const i = <i32>kind;
  return i >= 0 && i < KIND_NAMES.length ? KIND_NAMES[i] : "unknown";
}

/** The kind for a wire name; `CommandKind.Unknown` when not known. */
export function commandKindFromName(name: string): CommandKind {
  for (let i = 1; i < KIND_NAMES.length; i++) {
    if (KIND_NAMES[i] == name) return <CommandKind>i;
  }
  return CommandKind.Unknown;
}

/**
 * A command sent to the plugin's pane. Only the fields of its kind are
 * meaningful; the others keep their zero values.
 */
export class Command {
  /** What happened. */
  kind: CommandKind = CommandKind.Unknown;
  /** The wire `type` string, e.g. "filter" (useful for `Unknown` kinds). */
  type: string = "";
  /** The pane this instance serves. */
  paneId: i32 = -1;
  /** `send_input`: the text typed. */
  text: string = "";
  /** `filter`: the filter query. */
  query: string = "";
  /** `focus`: whether the pane gained (true) or lost (false) focus. */
  focused: bool = false;
  /** `resize`: the pane's new inner size in cells. */
  width: i32 = 0;
  height: i32 = 0;
  /**
   * `select` on an ABI v2 table: the selected row's index in the rows of the
   * last render (-1 otherwise), and its key ("" when it has none).
   */
  row: i32 = -1;
  key: string = "";

  /** Convenience: `cmd.is(CommandKind.Select)`. */
  is(kind: CommandKind): bool {
    return this.kind == kind;
  }

  /** Re-encodes the command as the host would send it. */
  toJson(): string {
    let s = '{"type":' + quoteJson(this.type);
    if (this.kind == CommandKind.SendInput) s += ',"text":' + quoteJson(this.text);
    if (this.kind == CommandKind.Filter) s += ',"query":' + quoteJson(this.query);
    if (this.kind == CommandKind.Focus) s += ',"focused":' + (this.focused ? "true" : "false");
    if (this.kind == CommandKind.Select && this.row >= 0) {
      s += ',"row":' + this.row.toString();
      if (this.key.length > 0) s += ',"key":' + quoteJson(this.key);
    }
    if (this.kind == CommandKind.Resize) {
      s += ',"width":' + this.width.toString() + ',"height":' + this.height.toString();
    }
    return s + ',"pane_id":' + this.paneId.toString() + "}";
  }

  /** Decodes a PluginCommand object. */
  static fromJson(value: JSON.Value): Command {
    const obj = asObj(value);
    const cmd = new Command();
    cmd.type = getString(obj, "type");
    cmd.kind = commandKindFromName(cmd.type);
    cmd.paneId = <i32>getInt(obj, "pane_id", -1);
    cmd.text = getString(obj, "text");
    cmd.query = getString(obj, "query");
    cmd.focused = getBool(obj, "focused");
    cmd.width = <i32>getInt(obj, "width");
    cmd.height = <i32>getInt(obj, "height");
    cmd.row = <i32>getInt(obj, "row", -1);
    cmd.key = getString(obj, "key");
    return cmd;
  }
}
