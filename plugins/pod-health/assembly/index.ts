// pod-health: pods sorted by restarts (most first), crash loops flagged "!!",
// a header with counts, substring filter, a ">" cursor and a detail view.
// Needs permission k8s:list:pods. Refreshes on open and on every tick.

import {
  Command,
  CommandKind,
  Config,
  JsonWriter,
  Lines,
  Plugin,
  Pod,
  asObj,
  columns,
  containsIgnoreCase,
  displayWidth,
  formatAge,
  getInt,
  getString,
  listPods,
  parseString,
  registerPlugin,
  truncate,
} from "@kubetile/sdk";
export * from "@kubetile/sdk/exports";

const HEADER_LINES = 2;

function byRestarts(a: Pod, b: Pod): i32 {
  if (a.restarts != b.restarts) return a.restarts > b.restarts ? -1 : 1;
  const ns = compareText(a.namespace, b.namespace);
  return ns != 0 ? ns : compareText(a.name, b.name);
}

function compareText(x: string, y: string): i32 {
  if (x == y) return 0;
  return x < y ? -1 : 1;
}

function podKey(p: Pod): string {
  return p.namespace + "/" + p.name;
}

function notReady(p: Pod): bool {
  const ready = p.ready;
  const slash = ready.indexOf("/");
  if (slash < 0 || slash + 1 >= ready.length) return false;
  // compare "N/M" halves without allocating
  const n = slash;
  const m = ready.length - slash - 1;
  if (n != m) return true;
  for (let i = 0; i < n; i++) {
    if (ready.charCodeAt(i) != ready.charCodeAt(slash + 1 + i)) return true;
  }
  return false;
}

class PodHealth extends Plugin {
  /** "" = the pane's namespace, "*" = all namespaces (config key `namespace`). */
  namespace: string = "";
  pods: Pod[] = new Array<Pod>();
  filter: string = "";
  cursor: i32 = 0;
  /** First visible row when the pane is shorter than the list. */
  scroll: i32 = 0;
  /** Keeps the cursor on the same pod across refreshes. */
  selectedKey: string = "";
  error: string = "";
  loaded: bool = false;
  detail: bool = false;
  /** Rows rendered when the pane height is unknown (config key `max_rows`). */
  maxRows: i32 = 200;
  /** The filtered rows and the column widths, recomputed on refresh and filter changes. */
  rows: Pod[] = new Array<Pod>();
  nameW: i32 = 4;
  statusW: i32 = 6;
  nsW: i32 = 9;
  crashCount: i32 = 0;
  unreadyCount: i32 = 0;

  onInit(config: Config): void {
    this.namespace = config.getString("namespace", "");
    const m = <i32>config.getInt("max_rows", 200);
    this.maxRows = m > 0 ? m : 200;
  }

  onOpen(): Lines | null {
    this.refresh();
    return this.render();
  }

  onTick(): Lines | null {
    this.refresh();
    return this.render();
  }

  onCommand(cmd: Command): Lines | null {
    const rows = this.visible();
    switch (cmd.kind) {
      case CommandKind.Filter:
        this.filter = cmd.query;
        this.detail = false;
        this.applyFilter();
        this.moveTo(0);
        break;
      case CommandKind.ClearFilter:
        this.filter = "";
        this.applyFilter();
        this.moveTo(0);
        break;
      case CommandKind.SelectNext:
      case CommandKind.ScrollDown:
        this.moveTo(this.cursor + 1);
        break;
      case CommandKind.SelectPrev:
      case CommandKind.ScrollUp:
        this.moveTo(this.cursor - 1);
        break;
      case CommandKind.PageDown:
        this.moveTo(this.cursor + this.pageSize());
        break;
      case CommandKind.PageUp:
        this.moveTo(this.cursor - this.pageSize());
        break;
      case CommandKind.GoToTop:
        this.moveTo(0);
        break;
      case CommandKind.GoToBottom:
        this.moveTo(rows.length - 1);
        break;
      case CommandKind.Select:
        if (rows.length == 0) return null;
        this.detail = true;
        break;
      case CommandKind.Back:
        if (!this.detail) return null;
        this.detail = false;
        break;
      case CommandKind.Resize:
        break;
      default:
        return null;
    }
    return this.render();
  }

  onSnapshot(): string {
    return new JsonWriter()
      .beginObject()
      .key("filter").string(this.filter)
      .key("selected").string(this.selectedKey)
      .key("cursor").int(this.cursor)
      .endObject()
      .toString();
  }

  onRestore(state: string): void {
    const o = asObj(parseString(state));
    this.filter = getString(o, "filter");
    this.selectedKey = getString(o, "selected");
    this.cursor = <i32>getInt(o, "cursor");
    this.applyFilter();
  }

  // ---- state -------------------------------------------------------------------

  refresh(): void {
    const res = listPods(this.namespace);
    if (!res.ok) {
      this.error = res.error;
      return;
    }
    this.error = "";
    this.loaded = true;
    const pods = res.value;
    pods.sort(byRestarts);
    this.pods = pods;
    let nameW = 4;
    let statusW = 6;
    let nsW = 9;
    let crash = 0;
    let unready = 0;
    for (let i = 0; i < pods.length; i++) {
      if (pods[i].crashLooping) crash++;
      else if (notReady(pods[i])) unready++;
      nameW = max(nameW, displayWidth(pods[i].name));
      statusW = max(statusW, displayWidth(pods[i].status));
      nsW = max(nsW, displayWidth(pods[i].namespace));
    }
    this.nameW = min(nameW, 48);
    this.statusW = min(statusW, 24);
    this.nsW = min(nsW, 24);
    this.crashCount = crash;
    this.unreadyCount = unready;
    this.applyFilter();
    // Follow the selected pod to its new position, if it still exists.
    const rows = this.visible();
    let found = -1;
    for (let i = 0; i < rows.length; i++) {
      if (podKey(rows[i]) == this.selectedKey) {
        found = i;
        break;
      }
    }
    this.moveTo(found >= 0 ? found : this.cursor);
    if (found < 0) this.detail = false;
  }

  visible(): Pod[] {
    return this.rows;
  }

  applyFilter(): void {
    if (this.filter.length == 0) {
      this.rows = this.pods;
      return;
    }
    const out = new Array<Pod>();
    for (let i = 0; i < this.pods.length; i++) {
      const p = this.pods[i];
      if (
        containsIgnoreCase(p.name, this.filter) ||
        containsIgnoreCase(p.namespace, this.filter) ||
        containsIgnoreCase(p.status, this.filter) ||
        containsIgnoreCase(p.node, this.filter)
      ) {
        out.push(p);
      }
    }
    this.rows = out;
  }

  moveTo(index: i32): void {
    const rows = this.visible();
    if (rows.length == 0) {
      this.cursor = 0;
      this.selectedKey = "";
      return;
    }
    this.cursor = index < 0 ? 0 : index >= rows.length ? rows.length - 1 : index;
    this.selectedKey = podKey(rows[this.cursor]);
  }

  pageSize(): i32 {
    const h = this.height - HEADER_LINES;
    return h > 1 ? h : 10;
  }

  // ---- rendering ---------------------------------------------------------------

  render(): Lines {
    const rows = this.visible();
    if (this.detail && rows.length > 0) return this.renderDetail(rows[this.cursor]);

    const crash = this.crashCount;
    const unready = this.unreadyCount;
    const where =
      this.namespace == "*" ? "all namespaces" : this.namespace.length > 0 ? this.namespace : "this namespace";
    let header =
      "Pods in " + where + ": " + this.pods.length.toString() + " total, " +
      crash.toString() + " crash-looping, " + unready.toString() + " not ready";
    if (this.filter.length > 0) {
      header += ' · filter "' + this.filter + '": ' + rows.length.toString() + " shown";
    }
    const out = new Lines().add(header);

    if (this.error.length > 0) out.add("error: " + this.error);
    if (!this.loaded) {
      if (this.error.length == 0) out.add("loading…");
      return out;
    }
    if (rows.length == 0) {
      out.add(this.filter.length > 0 ? '(no pods match "' + this.filter + '")' : "(no pods)");
      return out;
    }

    const allNs = this.namespace == "*";
    const nameW = this.nameW;
    const statusW = this.statusW;
    const nsW = this.nsW;
    const widths: i32[] = allNs ? [3, nsW, nameW, statusW, 5, 8, 5] : [3, nameW, statusW, 5, 8, 5];
    const head: string[] = allNs
      ? ["", "NAMESPACE", "NAME", "STATUS", "READY", "RESTARTS", "AGE"]
      : ["", "NAME", "STATUS", "READY", "RESTARTS", "AGE"];
    out.add(this.clip(columns(head, widths, " ")));

    // Window the rows so the cursor stays visible when the pane is short
    // (or, before the host has told us the height, to at most maxRows rows).
    let first = 0;
    let count = rows.length;
    const room = this.height > 0 ? this.height - out.length : this.maxRows;
    if (room > 0 && rows.length > room) {
      if (this.cursor < this.scroll) this.scroll = this.cursor;
      if (this.cursor >= this.scroll + room) this.scroll = this.cursor - room + 1;
      if (this.scroll > rows.length - room) this.scroll = rows.length - room;
      first = this.scroll;
      count = room;
    } else {
      this.scroll = 0;
    }

    for (let i = first; i < first + count; i++) {
      const p = rows[i];
      const mark = (i == this.cursor ? ">" : " ") + (p.crashLooping ? "!!" : notReady(p) ? "! " : "  ");
      const cells: string[] = allNs
        ? [mark, p.namespace, p.name, p.status, p.ready, p.restarts.toString(), formatAge(p.ageSeconds)]
        : [mark, p.name, p.status, p.ready, p.restarts.toString(), formatAge(p.ageSeconds)];
      out.add(this.clip(columns(cells, widths, " ")));
    }
    if (this.height <= 0 && count < rows.length) {
      out.add(
        "… rows " + (first + 1).toString() + "–" + (first + count).toString() + " of " +
          rows.length.toString() + "; filter to narrow",
      );
    }
    return out;
  }

  renderDetail(p: Pod): Lines {
    return new Lines()
      .add("Pod " + p.name + (p.crashLooping ? "  !! crash loop" : ""))
      .add("  namespace  " + p.namespace)
      .add("  status     " + p.status)
      .add("  phase      " + p.phase)
      .add("  ready      " + p.ready)
      .add("  restarts   " + p.restarts.toString())
      .add("  node       " + (p.node.length > 0 ? p.node : "-"))
      .add("  age        " + formatAge(p.ageSeconds))
      .blank()
      .add("back: return to the list");
  }

  clip(line: string): string {
    // Trailing padding is noise in a plain-text render; cut to the pane width if known.
    let s = line.trimEnd();
    if (this.width > 0) s = truncate(s, this.width);
    return s;
  }
}

registerPlugin(new PodHealth());
