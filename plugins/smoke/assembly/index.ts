// The smoke-test plugin: renders "smoke-ok" on open and on every command.
import { Command, Lines, Plugin, registerPlugin } from "@kubetile/sdk";
export * from "@kubetile/sdk/exports";

class Smoke extends Plugin {
  onOpen(): Lines | null {
    return Lines.of("smoke-ok");
  }

  onCommand(cmd: Command): Lines | null {
    return Lines.of("smoke-ok");
  }
}

registerPlugin(new Smoke());
