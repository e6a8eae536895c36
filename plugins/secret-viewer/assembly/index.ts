// secret-viewer: browse the secrets of a namespace, see a secret's keys with
// the values masked, reveal them on demand, copy one to the clipboard.
// Needs permissions k8s:get:secrets and clipboard:write.
//
//   list of secrets --select--> keys of that secret --select--> copy value
//                   <--back---
//   toggle_wrap (in the keys view) reveals / masks the values.

import {
  Command,
  CommandKind,
  Config,
  JsonWriter,
  Lines,
  Plugin,
  Secret,
  SecretInfo,
  asObj,
  clipboardWrite,
  columns,
  containsIgnoreCase,
  displayWidth,
  getInt,
  getSecret,
  getString,
  listSecrets,
  parseString,
  registerPlugin,
  truncate,
} from "@kubetile/sdk";
export * from "@kubetile/sdk/exports";

const MASK = "••••••••";

enum Mode {
  List,
  Keys,
}

/** One visible line of a value: newlines and tabs shown as escapes. */
function oneLine(value: string): string {
  return value.replaceAll("\r", "\\r").replaceAll("\n", "\\n").replaceAll("\t", "\\t");
}

function clamp(i: i32, n: i32): i32 {
  if (n <= 0) return 0;
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

class SecretViewer extends Plugin {
  /** "" = the pane's namespace (config key `namespace`). */
  namespace: string = "";
  mode: Mode = Mode.List;
  items: SecretInfo[] = new Array<SecretInfo>();
  filter: string = "";
  cursor: i32 = 0;
  secret: Secret = new Secret();
  keyCursor: i32 = 0;
  revealed: bool = false;
  message: string = "";
  error: string = "";
  loaded: bool = false;

  onInit(config: Config): void {
    this.namespace = config.getString("namespace", "");
  }

  onOpen(): Lines | null {
    this.loadList();
    if (this.mode == Mode.Keys) this.openSecret(this.secret.name);
    return this.render();
  }

  onCommand(cmd: Command): Lines | null {
    this.message = "";
    switch (cmd.kind) {
      case CommandKind.SelectNext:
      case CommandKind.ScrollDown:
        this.move(1);
        break;
      case CommandKind.SelectPrev:
      case CommandKind.ScrollUp:
        this.move(-1);
        break;
      case CommandKind.GoToTop:
        this.move(-1000000);
        break;
      case CommandKind.GoToBottom:
        this.move(1000000);
        break;
      case CommandKind.Select:
        if (this.mode == Mode.List) {
          const rows = this.visible();
          if (rows.length == 0) return null;
          this.keyCursor = 0;
          this.openSecret(rows[this.cursor].name);
        } else {
          this.copySelected();
        }
        break;
      case CommandKind.Back:
        if (this.mode == Mode.List) return null;
        this.mode = Mode.List;
        this.revealed = false;
        this.secret = new Secret();
        this.loadList();
        break;
      case CommandKind.ToggleWrap:
        if (this.mode != Mode.Keys) return null;
        this.revealed = !this.revealed;
        break;
      case CommandKind.Filter:
        if (this.mode != Mode.List) return null;
        this.filter = cmd.query;
        this.cursor = 0;
        break;
      case CommandKind.ClearFilter:
        if (this.mode != Mode.List) return null;
        this.filter = "";
        this.cursor = 0;
        break;
      case CommandKind.Resize:
        break;
      default:
        return null;
    }
    return this.render();
  }

  // Carry the view (never the values or the reveal flag) across a hot reload.
  onSnapshot(): string {
    return new JsonWriter()
      .beginObject()
      .key("mode").int(<i64>this.mode)
      .key("secret").string(this.secret.name)
      .key("filter").string(this.filter)
      .key("cursor").int(this.cursor)
      .key("key_cursor").int(this.keyCursor)
      .endObject()
      .toString();
  }

  onRestore(state: string): void {
    const o = asObj(parseString(state));
    this.filter = getString(o, "filter");
    this.cursor = <i32>getInt(o, "cursor");
    this.keyCursor = <i32>getInt(o, "key_cursor");
    const name = getString(o, "secret");
    if (getInt(o, "mode") == <i64>Mode.Keys && name.length > 0) {
      this.mode = Mode.Keys;
      this.secret.name = name;
    }
  }

  // ---- state -------------------------------------------------------------------

  loadList(): void {
    const res = listSecrets(this.namespace);
    if (!res.ok) {
      this.error = res.error;
      return;
    }
    this.error = "";
    this.loaded = true;
    this.items = res.value;
    this.cursor = clamp(this.cursor, this.visible().length);
  }

  openSecret(name: string): void {
    const res = getSecret(this.namespace, name);
    if (!res.ok) {
      this.error = res.error;
      return;
    }
    this.error = "";
    this.secret = res.value;
    this.mode = Mode.Keys;
    this.revealed = false;
    this.keyCursor = clamp(this.keyCursor, this.secret.keys.length);
  }

  copySelected(): void {
    const keys = this.secret.keys;
    if (keys.length == 0) return;
    const key = keys[this.keyCursor];
    const res = clipboardWrite(this.secret.get(key));
    this.message = res.ok ? "copied " + key : "copy failed: " + res.error;
  }

  move(delta: i32): void {
    if (this.mode == Mode.List) this.cursor = clamp(this.cursor + delta, this.visible().length);
    else this.keyCursor = clamp(this.keyCursor + delta, this.secret.keys.length);
  }

  visible(): SecretInfo[] {
    if (this.filter.length == 0) return this.items;
    const out = new Array<SecretInfo>();
    for (let i = 0; i < this.items.length; i++) {
      if (containsIgnoreCase(this.items[i].name, this.filter)) out.push(this.items[i]);
    }
    return out;
  }

  // ---- rendering ---------------------------------------------------------------

  render(): Lines {
    const out = this.mode == Mode.List ? this.renderList() : this.renderKeys();
    if (this.error.length > 0) out.add("error: " + this.error);
    if (this.message.length > 0) out.add(this.message);
    if (this.width > 0) {
      for (let i = 0; i < out.items.length; i++) out.items[i] = truncate(out.items[i], this.width);
    }
    return out;
  }

  renderList(): Lines {
    const rows = this.visible();
    const where = this.namespace.length > 0 ? this.namespace : "this namespace";
    let header = "Secrets in " + where + ": " + this.items.length.toString();
    if (this.filter.length > 0) header += ' · filter "' + this.filter + '": ' + rows.length.toString() + " shown";
    const out = new Lines().add(header);
    if (!this.loaded) {
      if (this.error.length == 0) out.add("loading…");
      return out;
    }
    if (rows.length == 0) {
      out.add(this.filter.length > 0 ? '(no secrets match "' + this.filter + '")' : "(no secrets)");
      return out;
    }
    let nameW = 4;
    let typeW = 4;
    for (let i = 0; i < rows.length; i++) {
      nameW = max(nameW, displayWidth(rows[i].name));
      typeW = max(typeW, displayWidth(rows[i].type));
    }
    const widths: i32[] = [1, min(nameW, 48), min(typeW, 40), 0];
    out.add(columns(["", "NAME", "TYPE", "KEYS"], widths, " ").trimEnd());
    for (let i = 0; i < rows.length; i++) {
      const s = rows[i];
      const cells: string[] = [i == this.cursor ? ">" : " ", s.name, s.type, s.keys.toString()];
      out.add(columns(cells, widths, " ").trimEnd());
    }
    out.add("select: show keys · filter: narrow the list");
    return out;
  }

  renderKeys(): Lines {
    const s = this.secret;
    const where = s.namespace.length > 0 ? s.namespace : this.namespace;
    const out = new Lines().add(
      "Secret " + s.name + " (" + s.type + ")" + (where.length > 0 ? " in " + where : "") + ": " +
        s.keys.length.toString() + (s.keys.length == 1 ? " key" : " keys"),
    );
    out.add(
      (this.revealed ? "values shown" : "values hidden") +
        " · toggle_wrap: " + (this.revealed ? "hide" : "reveal") +
        " · select: copy · back: list",
    );
    if (s.keys.length == 0) {
      out.add("(no keys)");
      return out;
    }
    let keyW = 3;
    for (let i = 0; i < s.keys.length; i++) keyW = max(keyW, displayWidth(s.keys[i]));
    const widths: i32[] = [1, min(keyW, 40), 0];
    for (let i = 0; i < s.keys.length; i++) {
      const key = s.keys[i];
      const value = s.get(key);
      const shown = this.revealed
        ? oneLine(value)
        : MASK + " (" + String.UTF8.byteLength(value).toString() + " bytes)";
      out.add(columns([i == this.keyCursor ? ">" : " ", key, shown], widths, " "));
    }
    return out;
  }
}

registerPlugin(new SecretViewer());
