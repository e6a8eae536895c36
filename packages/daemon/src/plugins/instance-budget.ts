/**
 * Plugin instances the daemon runs at once, all plugins together (each is a worker thread of tens
 * of MiB): each plugin is capped by its own `max_instances` (≤ 256), and a config of many plugins
 * (or a script opening panes of each) started thousands with nothing else in the way.
 */
export const DEFAULT_MAX_PLUGIN_INSTANCES = 64;
/** The environment variable that sets the cap (a whole number from 1 to MAX_PLUGIN_INSTANCES_CAP). */
export const MAX_PLUGIN_INSTANCES_ENV = 'KUBETILE_MAX_PLUGIN_INSTANCES';
/** The largest cap the variable may set: far past any machine's memory (each instance is a thread of tens of MiB). */
export const MAX_PLUGIN_INSTANCES_CAP = 10_000;

/**
 * The cap in force: KUBETILE_MAX_PLUGIN_INSTANCES, else the default (an empty value counts as
 * unset). Any other value throws, naming the variable, the value and what is allowed: a typo
 * ("abc", " 5", "1e9") was ignored, and the daemon ran on a cap its user had not chosen.
 */
export function pluginInstancesCap(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[MAX_PLUGIN_INSTANCES_ENV];
  if (raw === undefined || raw === '') return DEFAULT_MAX_PLUGIN_INSTANCES;
  // Digits only: Number() would take " 5", "0x10", "1e3" and "5.0".
  const n = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (n >= 1 && n <= MAX_PLUGIN_INSTANCES_CAP) return n;
  const shown = raw.length > 40 ? `${JSON.stringify(raw.slice(0, 40))}… (${raw.length} characters)` : JSON.stringify(raw);
  throw new Error(
    `${MAX_PLUGIN_INSTANCES_ENV}=${shown} in the daemon's environment is not a number of plugin instances: it must be a whole number from 1 to ${MAX_PLUGIN_INSTANCES_CAP} (digits only), or unset for the default of ${DEFAULT_MAX_PLUGIN_INSTANCES}`,
  );
}

/**
 * The daemon-wide seats of plugin panes (sessions), all plugins together. A pane holds its seat
 * while it is entitled to run an instance (starting, running, restarting) and, once closed, until
 * its instance has ended (plugin_on_close may run up to its timeout): closing panes in a loop does
 * not let their workers pile up past the cap. An instance beside a pane's own (a reload's new
 * instance, a trial of a new build) holds a seat of its own the same way (PluginDefinition.takeBeside).
 */
export class InstanceBudget {
  private readonly seated = new Set<object>();
  private readonly closing = new Set<object>();
  private waiters: Array<() => void> = [];

  constructor(readonly cap: number) {}

  /** Seats held: panes entitled to run, and closed panes whose instance has not ended yet. */
  get used(): number {
    return this.seated.size + this.closing.size;
  }

  has(s: object): boolean {
    return this.seated.has(s);
  }

  /** Takes a seat for `s` (true), or says the daemon already runs its maximum (false). */
  take(s: object): boolean {
    if (this.seated.has(s)) return true;
    if (this.used >= this.cap) return false;
    this.seated.add(s);
    return true;
  }

  /** `s` closed: its seat is held until `leave` (its instance ended). */
  closed(s: object): void {
    if (this.seated.delete(s)) this.closing.add(s);
  }

  leave(s: object): void {
    const had = this.seated.delete(s) || this.closing.delete(s);
    if (!had) return;
    for (const w of this.waiters.splice(0)) w();
  }

  /**
   * Waits for a seat held by a closing pane to come free; false at once when none is closing (a
   * seat comes free only when a pane is closed: the caller is refused).
   */
  async freed(): Promise<boolean> {
    if (this.used < this.cap) return true;
    if (this.closing.size === 0) return false;
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    return true;
  }

  /** The pane text for a pane refused a seat. */
  overCapMessage(): string {
    const n = this.cap;
    return `the daemon already runs ${n} plugin instance${n === 1 ? '' : 's'}, all plugins together, its limit (${MAX_PLUGIN_INSTANCES_ENV}=${n} in the daemon's environment): close a plugin pane, or raise ${MAX_PLUGIN_INSTANCES_ENV}`;
  }
}

/**
 * Trial instances (a new build started and initialised once before it is accepted, for a plugin
 * with no pane open) running at once, all plugins together: a rebuilt file that 60 plugins of the
 * config load started 60 workers at once (+680 MiB), past any cap, and some timed out starting.
 */
export const TRIALS_AT_ONCE = 4;

/** At most `n` holders at once; the rest wait in turn. */
export class Turns {
  private held = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly n: number) {}

  /** Runs `work` in a turn (waiting for one), and gives the turn back when it settles. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.held >= this.n) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.held--;
    }
  }
}
