import { PANE_KEY_PATTERN } from '@kubetile/rpc-schema';
import type { Pane, PaneContext, PaneFactory } from './pane.js';
import { createErrorPane } from './builtin/error-pane.js';
import { errorMessage } from '../util/errors.js';

/** Every pane in the daemon is made here, built-ins included (seed phase 0). */
export class PaneRegistry {
  private readonly factories = new Map<string, PaneFactory>();
  /** Pane types that show one object and need it in their args (exec, logs): not offered by `:`. */
  private readonly targeted = new Set<string>();

  register(key: string, factory: PaneFactory, opts: { needsTarget?: boolean } = {}): void {
    if (!PANE_KEY_PATTERN.test(key)) throw new Error(`pane key '${key}' must be kebab-case`);
    if (this.factories.has(key)) throw new Error(`pane type '${key}' is already registered`);
    this.factories.set(key, factory);
    if (opts.needsTarget) this.targeted.add(key);
  }

  /** Pane types the `:` switcher can open as they are (no object to name). */
  switchable(): string[] {
    return this.keys().filter((k) => !k.startsWith('resource-') && !this.targeted.has(k));
  }

  /** Replaces or removes a registration (plugins come and go with the config). */
  unregister(key: string): void {
    this.factories.delete(key);
    this.targeted.delete(key);
  }

  has(key: string): boolean {
    return this.factories.has(key);
  }

  keys(): string[] {
    return [...this.factories.keys()].sort();
  }

  /** Never throws: an unknown key or a failing factory gives an error pane that says why. */
  create(key: string, ctx: PaneContext): Pane {
    const factory = this.factories.get(key);
    if (!factory) return createErrorPane(ctx, key, `no pane type '${key}'`);
    try {
      return factory(ctx);
    } catch (err) {
      ctx.logger.error({ key, err: errorMessage(err) }, 'pane factory failed');
      return createErrorPane(ctx, key, `pane type '${key}' failed to start: ${errorMessage(err)}`);
    }
  }
}
