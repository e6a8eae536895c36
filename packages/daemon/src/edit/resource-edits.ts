import { mkdir } from 'node:fs/promises';
import { MAX_EDIT_CHARS } from '@kubetile/rpc-schema';
import type { ClusterManager } from '../kube/cluster.js';
import { KubeApiError } from '../kube/api-error.js';
import { MutationRefused, ReplaceInvalid, replaceObject } from '../kube/mutations.js';
import { describeObject, type ObjectRef } from '../kube/object-ref.js';
import { getObject } from '../kube/resource-ops.js';
import type { KubeObject } from '../kube/types.js';
import type { Logger } from '../logging/logger.js';
import type { Workspace } from '../session/workspace.js';
import { errorMessage, invalidState, notFound } from '../util/errors.js';
import { Signal } from '../util/signal.js';
import { writeNewFile } from '../util/new-file.js';
import { readOnlyRefusal } from '../session/read-only.js';
import { editHeader, editText, readEditOffThread, withoutHeader } from './edit-text.js';
import { unsafeNumberAt } from './unsafe-numbers.js';

/** Edits open at once over all clients (one per client at a time). */
const MAX_OPEN = 64;

interface OpenEdit {
  id: string;
  clientId: string;
  target: ObjectRef;
  /** The object as the API server sent it when the edit began: the version the write is pinned to. */
  original: KubeObject;
  /** The text the editor was given this round. */
  presented: string;
  /** What was wrong with the last text returned (the editor reopened with it); empty at first. */
  errors: string[];
  /** An answer is being applied: another is refused until it is done. */
  busy: boolean;
}

/**
 * `kubectl edit` for a terminal attached to the daemon: the object is read fresh (and must still
 * be the one chosen, by uid), its YAML goes to that terminal's editor (`editor/open`), and the text
 * that comes back (`editor/done`) is written over exactly the version read — a change made by
 * someone else meanwhile, or the object re-created, refuses the write. Text the API server or the
 * checks refuse opens the editor again with the reasons on top; a text that could not be applied is
 * kept in the state directory (`edits/`) and the toast names the file, so nothing typed is lost.
 */
export class ResourceEdits {
  private readonly open = new Map<string, OpenEdit>();
  /** Clients whose edit is being read from the API server (a second shift+e meanwhile is refused). */
  private readonly starting = new Set<string>();
  private seq = 0;

  constructor(
    private readonly workspace: Workspace,
    private readonly kube: ClusterManager,
    private readonly logger: Logger,
    /** Where texts that could not be applied are kept (`<stateDir>/edits`). */
    private readonly keepDir: string,
    /** Told of each object written (panes showing it read it again). */
    private readonly edited: Signal<ObjectRef> = new Signal(),
    /** Read-only mode (turned on by a config reload while an editor was open): nothing is written, the text is kept. */
    private readonly readonly: () => boolean = () => false,
  ) {}

  /** Opens `t` in the editor of client `clientId`; resolves once the editor was asked to open. */
  async start(clientId: string, t: ObjectRef): Promise<void> {
    for (const e of this.open.values()) if (!this.workspace.clients.has(e.clientId)) this.open.delete(e.id);
    for (const e of this.open.values()) {
      if (e.clientId === clientId) throw invalidState(`an edit of ${describeObject(e.target)} is already open in this terminal's editor: save or quit it first`);
    }
    if (this.starting.has(clientId)) throw invalidState('an edit is being opened in this terminal already');
    if (this.open.size + this.starting.size >= MAX_OPEN) throw invalidState(`${MAX_OPEN} edits are open already`);
    this.starting.add(clientId);
    try {
      await this.begin(clientId, t);
    } finally {
      this.starting.delete(clientId);
    }
  }

  private async begin(clientId: string, t: ObjectRef): Promise<void> {
    const what = describeObject(t);
    let obj: KubeObject;
    try {
      obj = await getObject(this.kube.configFor(t.context), t);
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) throw new MutationRefused(`${what} no longer exists; nothing to edit`);
      throw err;
    }
    if (t.uid && obj.metadata?.uid !== t.uid) throw new MutationRefused(`${what} was replaced by another object of the same name since it was chosen; it was not opened`);
    if (typeof obj.metadata?.resourceVersion !== 'string' || obj.metadata.resourceVersion === '') throw new Error(`${what}: the API server sent no resourceVersion; it cannot be edited safely`);
    const unsafe = unsafeNumberAt(obj);
    if (unsafe) throw new MutationRefused(`${what} holds a number larger than kubetile can carry exactly (at ${unsafe}: beyond 2^53); saving it would write it back rounded — use kubectl edit`);
    const text = editText(obj);
    if (text.length > MAX_EDIT_CHARS) throw invalidState(`${what} is too big to edit here (${text.length} characters of YAML, at most ${MAX_EDIT_CHARS}); use kubectl edit`);
    const edit: OpenEdit = { id: '', clientId, target: { ...t, uid: obj.metadata.uid }, original: obj, presented: text, errors: [], busy: false };
    this.show(edit, text);
  }

  /**
   * The text client `clientId`'s editor returned for `editId` (null: no editor ran, `error` says
   * why). Applies it, opens the editor again, or ends the edit; the outcome reaches the client as a toast.
   */
  async done(clientId: string, editId: string, text: string | null, error?: string): Promise<void> {
    const e = this.open.get(editId);
    if (!e || e.clientId !== clientId) throw notFound(`no edit ${JSON.stringify(editId)} is open in this terminal (it was answered already, or never opened here)`);
    if (e.busy) throw invalidState(`edit ${editId} is being applied`);
    const what = describeObject(e.target);
    if (text === null) {
      this.open.delete(editId);
      this.toast(e, 'warn', `the editor did not run (${error?.trim() || 'no reason given'}); ${what} was not changed`);
      return;
    }
    // A long text is read in a worker meanwhile: a second answer for this edit waits its turn.
    e.busy = true;
    const outcome = await readEditOffThread(text, e.presented, e.original, e.target).finally(() => {
      e.busy = false;
    });
    if (outcome.kind === 'cancel') {
      this.open.delete(editId);
      // Saved unchanged after a refusal: the text typed is not what the object holds; keep it.
      if (e.errors.length) await this.keep(e, text, `Edit cancelled: ${e.errors[0]}`);
      else this.toast(e, 'info', `Edit cancelled (${outcome.why}): ${what} was not changed`);
      return;
    }
    if (outcome.kind === 'invalid') {
      this.reopen(e, text, outcome.errors);
      return;
    }
    if (this.readonly()) {
      this.open.delete(editId);
      await this.keep(e, text, readOnlyRefusal('edit'));
      return;
    }
    e.busy = true;
    try {
      const stored = await replaceObject(this.kube.configFor(e.target.context), e.target, outcome.object, {
        uid: e.original.metadata.uid,
        resourceVersion: e.original.metadata.resourceVersion!,
      });
      this.open.delete(editId);
      this.logger.info({ target: what, uid: e.original.metadata.uid, resourceVersion: stored?.metadata?.resourceVersion }, 'edited');
      this.toast(e, 'success', `edited ${what}`);
      this.edited.emit(e.target);
    } catch (err) {
      e.busy = false;
      if (err instanceof ReplaceInvalid) {
        this.reopen(e, text, [`the API server refused it: ${err.message}`]);
        return;
      }
      this.open.delete(editId);
      await this.keep(e, text, errorMessage(err));
    }
  }

  /** The editor opens again on the text returned, with `errors` above it (the old notes dropped). */
  private reopen(e: OpenEdit, text: string, errors: string[]): void {
    this.open.delete(e.id);
    const next = [...editHeader(errors), withoutHeader(text), ''].join('\n');
    e.errors = errors;
    // The terminal left while its text was being read or written (a long text is read for
    // seconds): there is no editor to reopen; the text is kept rather than dropped.
    if (!this.workspace.clients.has(e.clientId)) {
      void this.keep(e, text, `${describeObject(e.target)} was not changed: ${errors[0]}`);
      return;
    }
    this.show(e, next);
  }

  private show(e: OpenEdit, text: string): void {
    const sink = this.workspace.clients.get(e.clientId)?.sink;
    if (!sink) throw invalidState('the terminal that asked for the edit is gone');
    e.id = `edit-${++this.seq}`;
    e.presented = text;
    this.open.set(e.id, e);
    const t = e.target;
    sink.openEditor(e.id, `${t.kind.toLowerCase()}-${t.namespace ? `${t.namespace}-` : ''}${t.name}.yaml`.replace(/[^A-Za-z0-9._-]/g, '_'), text);
  }

  /** Keeps a text that could not be applied and says where; `why` first. */
  private async keep(e: OpenEdit, text: string, why: string): Promise<void> {
    // Named for the object (its namespace too: two objects of one name are two files) and the time;
    // two kept in the same millisecond get -2, -3, … (the second was lost: 'file exists').
    const t = e.target;
    const stem = `${t.kind.toLowerCase()}-${t.namespace ? `${t.namespace}-` : ''}${t.name}-${new Date().toISOString().replace(/[:.]/g, '')}`;
    try {
      await mkdir(this.keepDir, { recursive: true, mode: 0o700 });
      const file = await writeNewFile(this.keepDir, stem, '.yaml', withoutHeader(text) + '\n');
      this.logger.info({ target: describeObject(e.target), file }, 'an edit that was not applied is kept');
      this.toast(e, 'error', `${why}; your text is in ${file}`);
    } catch (err) {
      this.logger.warn({ err: errorMessage(err), dir: this.keepDir }, 'could not keep an edit that was not applied');
      this.toast(e, 'error', `${why}; your text could not be kept (${errorMessage(err)})`);
    }
  }

  private toast(e: OpenEdit, level: 'info' | 'success' | 'warn' | 'error', text: string): void {
    this.workspace.clients.get(e.clientId)?.sink.toast(level, text);
  }
}
