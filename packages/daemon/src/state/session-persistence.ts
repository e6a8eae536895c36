import { copyFileSync } from 'node:fs';
import type { Logger } from '../logging/logger.js';
import type { Workspace } from '../session/workspace.js';
import { errorMessage } from '../util/errors.js';
import { STATE_VERSION, type SavedState } from './saved-state.js';
import { fitState } from './fit-state.js';
import { asideName, MAX_STATE_BYTES, readStateFile, removeStaleTemps, writeStateFile, type LoadedState } from './state-file.js';

/** What a feature saves with the sessions and gets back after a restart (port-forwards). */
export interface PersistedFeature {
  save(): unknown;
  restore(data: unknown): void;
}

/**
 * Saves every session (tabs, trees and ratios, each pane's view and state) and what features
 * register (port-forwards) under the state directory whenever they change — debounced, written
 * atomically — and brings them back when the daemon starts again after a crash, a kill -9, a
 * kill-server or a reboot.
 */
export class SessionPersistence {
  private readonly features = new Map<string, PersistedFeature>();
  private timer: NodeJS.Timeout | null = null;
  private last = '';
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;
  private failedOnce = false;
  private unsubscribe: (() => void) | null = null;
  /** What the last save had to leave out (said once per change). */
  private lastLeft = '';
  /**
   * What the file held under keys no feature here owns (a newer kubetile's): saved back as it was.
   * It was dropped at the first save, so going back to an older kubetile for a day lost it for good.
   */
  private foreign: Record<string, unknown> = {};
  /** The save failure waiting for the first terminal to attach, if one is. */
  private failureNotice: string | null = null;

  constructor(
    private readonly workspace: Workspace,
    readonly file: string,
    private readonly logger: Logger,
    private readonly debounceMs = 300,
    private readonly maxBytes = MAX_STATE_BYTES,
  ) {}

  register(key: string, feature: PersistedFeature): void {
    this.features.set(key, feature);
  }

  /** Reads the saved state (before the socket listens), after removing what a save cut short left. */
  async load(): Promise<LoadedState> {
    const removed = await removeStaleTemps(this.file);
    if (removed.length > 0) this.logger.info({ removed }, 'removed what an interrupted save left');
    return readStateFile(this.file);
  }

  /**
   * Restores what `load` read (synchronously: no client can attach in between) and starts saving.
   * Returns warnings for the user (a file moved aside, a session that could not come back).
   */
  apply(loaded: LoadedState): string[] {
    const warnings: string[] = [];
    if (loaded.kind === 'moved') {
      const msg = `the saved sessions could not be read (${loaded.why})${loaded.movedTo ? `; moved aside to ${loaded.movedTo}` : ''}; starting fresh`;
      this.logger.warn({ file: this.file }, msg);
      warnings.push(msg);
    }
    if (loaded.kind === 'ok') {
      if (loaded.state.nextIds) this.workspace.continueIdsFrom(loaded.state.nextIds);
      const lost = this.workspace.restoreSessions(loaded.state.sessions);
      for (const [key, data] of Object.entries(loaded.state.features)) {
        const f = this.features.get(key);
        if (!f) {
          this.foreign[key] = data;
          this.logger.info({ feature: key }, 'saved state of a feature this daemon does not have: kept as it is');
          continue;
        }
        try {
          f.restore(data);
        } catch (err) {
          lost.push(`${key} could not be restored: ${errorMessage(err)}`);
        }
      }
      // What did not come back is gone from the file at the next save: the file as it was is kept
      // (only a file with parts that could not be read was; a tab naming a pane it lacks was lost).
      const copiedTo = loaded.copiedTo ?? (lost.length > 0 ? this.copyAside() : null);
      const said: string[] = [];
      const d = loaded.dropped;
      if (d.length > 0) said.push(`the saved sessions came back in part: left out ${d.slice(0, 5).join('; ')}${d.length > 5 ? ` and ${d.length - 5} more` : ''}`);
      if (loaded.damaged) said.push(`the saved sessions had ${loaded.damaged}`);
      said.push(...lost);
      if (copiedTo) {
        const kept = `the file as it was is kept at ${copiedTo}`;
        if (said.length > lost.length) said[0] = `${said[0]}; ${kept}`;
        else said.push(`what did not come back is still in the saved sessions: ${kept}`);
      }
      warnings.push(...said);
      // With a copy kept, the file is written again now without what did not come back: left as it
      // was, every start said it again and made another copy (each up to 32 MiB).
      this.last = copiedTo ? '' : JSON.stringify(this.build(''));
    }
    for (const w of warnings.slice(loaded.kind === 'moved' ? 1 : 0)) this.logger.warn({ file: this.file }, w);
    this.unsubscribe = this.workspace.persistChanged.subscribe(() => this.schedule());
    if (this.last === '' && loaded.kind === 'ok') this.schedule();
    return warnings;
  }

  /** A copy of the state file as it is, beside it; null when it cannot be made. */
  private copyAside(): string | null {
    const to = asideName(this.file, 'corrupt');
    try {
      copyFileSync(this.file, to);
      return to;
    } catch (err) {
      this.logger.warn({ file: this.file, err: errorMessage(err) }, 'cannot keep a copy of the saved sessions');
      return null;
    }
  }

  /** Something a saved session holds may have changed: save soon (coalesced). */
  schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.save();
    }, this.debounceMs);
    this.timer.unref();
  }

  private build(savedAt: string): SavedState {
    const features: Record<string, unknown> = { ...this.foreign };
    for (const [key, f] of this.features) {
      try {
        features[key] = f.save();
      } catch (err) {
        this.logger.warn({ feature: key, err: errorMessage(err) }, 'feature state not saved');
      }
    }
    return { version: STATE_VERSION, savedAt, sessions: this.workspace.snapshotSessions(), features, nextIds: this.workspace.nextIds() };
  }

  /** Writes the state if it differs from the last written (one write at a time). */
  save(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const state = this.build('');
      const json = JSON.stringify(state);
      if (json === this.last) return;
      try {
        const fitted = fitState({ ...state, savedAt: new Date().toISOString() }, this.maxBytes);
        await writeStateFile(this.file, fitted.state);
        this.sayLeft(fitted.left);
        this.last = json;
        if (this.failedOnce) this.tell('success', `the sessions are saved again to ${this.file}`);
        this.failedOnce = false;
      } catch (err) {
        if (!this.failedOnce) {
          this.logger.error({ file: this.file, err: errorMessage(err) }, 'cannot save the sessions');
          // Only the log said it: the user learnt at the next start that no session came back.
          this.tell('error', `cannot save the sessions to ${this.file} (${errorMessage(err)}): what changes now will not come back after the daemon stops; saving is tried again at the next change`);
        }
        this.failedOnce = true;
      }
    });
    return this.writing;
  }

  /** Tells the log and every attached terminal, once per change, what the saved file leaves out. */
  private sayLeft(left: string[]): void {
    const key = left.join('\n');
    if (key === this.lastLeft) return;
    this.lastLeft = key;
    if (left.length === 0) return;
    const more = left.length > 3 ? ` and ${left.length - 3} more` : '';
    const msg = `the sessions are saved without ${left.slice(0, 3).join('; ')}${more}: all of them would be more than the ${this.maxBytes / 1024 / 1024} MiB a state file holds (close big tabs; they stay open until the daemon stops)`;
    this.logger.warn({ file: this.file, left }, msg);
    for (const c of this.workspace.clients.values()) c.sink.toast('warn', msg);
  }

  /**
   * Says it to every attached terminal, or to the first to attach when none is (a failure: its news
   * withdrawn if saving works again before anyone attached).
   */
  private tell(level: 'success' | 'error', msg: string): void {
    if (this.stopped) return;
    const notices = this.workspace.startNotices;
    const waiting = this.failureNotice === null ? -1 : notices.indexOf(this.failureNotice);
    if (waiting >= 0) notices.splice(waiting, 1);
    this.failureNotice = null;
    const clients = [...this.workspace.clients.values()];
    if (clients.length === 0) {
      if (level === 'error') notices.push((this.failureNotice = msg));
      return;
    }
    // Saving works again before anyone heard it failed: nothing to say.
    if (level === 'success' && waiting >= 0) return;
    for (const c of clients) c.sink.toast(level, msg);
  }

  /** Saves now and stops saving (the daemon is going away; its panes are about to be disposed). */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    if (!this.stopped) await this.save();
    this.stopped = true;
  }
}
