// pod-health: pods at a glance, worst first, as an ABI v2 table (pod, ready,
// restarts, age, status; crash loops red, not-ready pods yellow) under a styled
// summary line. The host sorts (default: restarts, most first), filters and
// scrolls the table; enter shows the pod's details, back returns.
// Needs permission k8s:list:pods. Refreshes on open and on every tick.

import {
  Color,
  ColumnType,
  Command,
  CommandKind,
  Config,
  JsonWriter,
  Lines,
  Plugin,
  Pod,
  Style,
  StyledLine,
  Table,
  asObj,
  formatAge,
  getString,
  listPods,
  parseString,
  registerPlugin,
} from "@kubetile/sdk";
export * from "@kubetile/sdk/exports";
export * from "@kubetile/sdk/v2";

/** Most restarts first, then namespace and name: the rows' own order (the host's sort starts the same). */
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

const RED: Style = Style.fg(Color.Red).withBold();
const YELLOW: Style = Style.fg(Color.Yellow);
const DIM: Style = Style.dim();

class PodHealth extends Plugin {
  /** "" = the pane's namespace, "*" = all namespaces (config key `namespace`). */
  namespace: string = "";
  pods: Pod[] = new Array<Pod>();
  /** The pods of the last table render, in its row order (what `select` refers to). */
  shown: Pod[] = new Array<Pod>();
  error: string = "";
  loaded: bool = false;
  /** The pod whose details are shown ("" = the table). */
  detailKey: string = "";
  crashCount: i32 = 0;
  unreadyCount: i32 = 0;
  /**
   * Rows in the table (config key `max_rows`, default 2000, at most 5000): the pods with most
   * restarts. A render must stay under the host's limits (5,000 rows, 512 KiB of text, 1 MiB of
   * JSON); 2,000 pods with long names fit with room to spare.
   */
  maxRows: i32 = 2000;

  onInit(config: Config): void {
    this.namespace = config.getString("namespace", "");
    const m = <i32>config.getInt("max_rows", 2000);
    this.maxRows = m > 0 ? min(m, 5000) : 2000;
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
    switch (cmd.kind) {
      case CommandKind.Select: {
        // The host says which row of the last table render is selected.
        if (this.detailKey.length > 0 || cmd.row < 0 || cmd.row >= this.shown.length) return null;
        this.detailKey = podKey(this.shown[cmd.row]);
        break;
      }
      case CommandKind.Back:
        if (this.detailKey.length == 0) return null;
        this.detailKey = "";
        break;
      default:
        return null;
    }
    return this.render();
  }

  onSnapshot(): string {
    return new JsonWriter().beginObject().key("detail").string(this.detailKey).endObject().toString();
  }

  onRestore(state: string): void {
    const o = asObj(parseString(state));
    this.detailKey = getString(o, "detail");
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
    let crash = 0;
    let unready = 0;
    for (let i = 0; i < pods.length; i++) {
      if (pods[i].crashLooping) crash++;
      else if (notReady(pods[i])) unready++;
    }
    this.crashCount = crash;
    this.unreadyCount = unready;
  }

  find(key: string): Pod | null {
    for (let i = 0; i < this.pods.length; i++) if (podKey(this.pods[i]) == key) return this.pods[i];
    return null;
  }

  // ---- rendering ---------------------------------------------------------------

  summary(): StyledLine {
    const where =
      this.namespace == "*" ? "all namespaces" : this.namespace.length > 0 ? this.namespace : "this namespace";
    const crash = this.crashCount;
    const unready = this.unreadyCount;
    return new StyledLine()
      .add("Pods in " + where + ": ", Style.bold())
      .add(this.pods.length.toString() + " total, ")
      .add(crash.toString() + " crash-looping", crash > 0 ? RED : DIM)
      .add(", ")
      .add(unready.toString() + " not ready", unready > 0 ? YELLOW : DIM);
  }

  render(): Lines {
    if (this.detailKey.length > 0) {
      const p = this.find(this.detailKey);
      if (p != null) return this.renderDetail(p);
      this.detailKey = ""; // the pod is gone
    }
    const out = new Lines().styled(this.summary());
    if (this.error.length > 0) out.styled(StyledLine.of("error: " + this.error, Style.fg(Color.Red)));
    if (!this.loaded) {
      if (this.error.length == 0) out.add("loading…");
      return out;
    }
    const allNs = this.namespace == "*";
    const t = new Table();
    if (allNs) t.column("NAMESPACE");
    t.column("POD")
      .column("READY")
      .column("RESTARTS", ColumnType.Number)
      .column("AGE", ColumnType.Duration)
      .column("STATUS");
    // Most restarts first until the user sorts otherwise.
    t.sortBy(allNs ? 3 : 2, true);
    const pods = this.pods.length > this.maxRows ? this.pods.slice(0, this.maxRows) : this.pods;
    if (pods.length < this.pods.length) {
      out.styled(
        StyledLine.of(
          "showing the " + pods.length.toString() + " pods with most restarts of " + this.pods.length.toString() +
            " (max_rows; set namespace to narrow)",
          DIM,
        ),
      );
    }
    for (let i = 0; i < pods.length; i++) {
      const p = pods[i];
      const crash = p.crashLooping;
      const unready = !crash && notReady(p);
      const row = t.row(podKey(p));
      if (allNs) row.str(p.namespace);
      row
        .str(p.name, crash ? RED : null)
        .str(p.ready, unready ? YELLOW : null)
        .num(<f64>p.restarts, p.restarts > 0 ? YELLOW : null)
        .duration(<f64>p.ageSeconds)
        .str(p.status, crash ? RED : unready || p.phase != "Running" ? YELLOW : Style.fg(Color.Green));
    }
    this.shown = pods;
    return out.table(t);
  }

  renderDetail(p: Pod): Lines {
    const head = new StyledLine().add("Pod ", Style.bold()).add(p.name, Style.bold());
    if (p.crashLooping) head.add("  crash loop", RED);
    return new Lines()
      .styled(head)
      .add("  namespace  " + p.namespace)
      .styled(new StyledLine().add("  status     ").add(p.status, p.crashLooping ? RED : notReady(p) ? YELLOW : Style.fg(Color.Green)))
      .add("  phase      " + p.phase)
      .add("  ready      " + p.ready)
      .add("  restarts   " + p.restarts.toString())
      .add("  node       " + (p.node.length > 0 ? p.node : "-"))
      .add("  age        " + formatAge(p.ageSeconds))
      .blank()
      .add("back: return to the list");
  }
}

registerPlugin(new PodHealth());
