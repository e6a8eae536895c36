// {{name}}: a kubetile pane plugin (AssemblyScript).
// Build: npm run build  →  build/{{name}}.wasm
// Guide: the @kubetile/sdk README (packages/sdk/README.md in the kubetile repo).

import { Command, CommandKind, Config, Lines, Plugin, registerPlugin } from "@kubetile/sdk";
// The ABI exports (plugin_init, plugin_on_command, …): keep this line.
export * from "@kubetile/sdk/exports";

class {{className}} extends Plugin {
  greeting: string = "Hello";
  commands: i32 = 0;
  last: string = "(none yet)";

  // [plugins.config] from config.toml, e.g. greeting = "Hi"
  onInit(config: Config): void {
    this.greeting = config.getString("greeting", "Hello");
  }

  onOpen(): Lines | null {
    return this.render();
  }

  onCommand(cmd: Command): Lines | null {
    // Focus and resize changes don't change what we show: no re-render.
    if (cmd.kind == CommandKind.Focus || cmd.kind == CommandKind.Resize) return null;
    this.commands++;
    this.last = cmd.kind == CommandKind.Filter ? 'filter "' + cmd.query + '"' : cmd.type;
    return this.render();
  }

  // State carried across a rebuild (hot reload) and a crash-restart: the host asks for it after
  // every command and hands it to the new instance. Keep it small (at most 1 MiB) and tolerate
  // a snapshot written by an older build of this plugin (or ignore it).
  onSnapshot(): string {
    return this.commands.toString() + "\n" + this.last;
  }

  onRestore(state: string): void {
    const nl = state.indexOf("\n");
    if (nl <= 0) return; // not ours: start afresh
    this.commands = I32.parseInt(state.substring(0, nl));
    this.last = state.substring(nl + 1);
  }

  render(): Lines {
    return new Lines()
      .add(this.greeting + " from {{name}}!")
      .add("commands received: " + this.commands.toString())
      .add("last command: " + this.last)
      .blank()
      .add("Edit assembly/index.ts, then run npm run build.");
  }
}

registerPlugin(new {{className}}());
