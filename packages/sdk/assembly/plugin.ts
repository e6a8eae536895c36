// The plugin class authors extend, and its registration.

import { Command } from "./command";
import { Config } from "./config";
import { EventBatch } from "./kube";
import { Lines } from "./lines";

/**
 * Extend this class and pass an instance to `registerPlugin` at the top level
 * of your `assembly/index.ts`. Every method except `onCommand` is optional.
 * One instance of the module serves one pane, so plain fields are per-pane state.
 *
 * Hooks that return `Lines` re-render the pane; returning `null` leaves it as
 * it is. To fail a hook, call `fail("message")` and return.
 */
export abstract class Plugin {
  /** The pane this instance serves (-1 until the host says). */
  paneId: i32 = -1;

  /** The pane's inner size in cells, from the last `resize` command (0 = unknown). */
  width: i32 = 0;
  height: i32 = 0;

  /** Whether the pane has focus, from the last `focus` command. */
  focused: bool = false;

  /** The configuration from `plugin_init` (empty until then). */
  config: Config = new Config();

  /** Called once, first, with the plugin's configuration. */
  onInit(config: Config): void {}

  /** The pane opened (after onInit, and after onRestore on a hot reload). */
  onOpen(): Lines | null {
    return null;
  }

  /** A key or lifecycle event for the pane. */
  abstract onCommand(cmd: Command): Lines | null;

  /** The host's periodic tick (about once a second; host-defined). */
  onTick(): Lines | null {
    return null;
  }

  /**
   * Watch events of the kinds the plugin may list (`k8s:list:<kind>`), coalesced
   * while it was busy. Only called when the entry file re-exports
   * "@kubetile/sdk/events".
   */
  onEvents(batch: EventBatch): Lines | null {
    return null;
  }

  /** The pane is closing; the instance is discarded afterwards. */
  onClose(): void {}

  /** State to carry across a hot reload ("" = nothing to carry). */
  onSnapshot(): string {
    return "";
  }

  /** Restores what `onSnapshot` returned, in the new module's instance. */
  onRestore(state: string): void {}
}

let registered: Plugin | null = null;

/** Registers the plugin. Call once, at the top level of assembly/index.ts. */
export function registerPlugin(plugin: Plugin): void {
  registered = plugin;
}

/** The registered plugin, or null (SDK internal). */
export function registeredPlugin(): Plugin | null {
  return registered;
}
