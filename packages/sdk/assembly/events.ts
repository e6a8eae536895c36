// plugin_on_event: watch events of the kinds the plugin may list. Re-export it
// from a plugin's entry file to receive them (in Plugin.onEvents):
//
//   export * from "@kubetile/sdk/events";
//
// Only plugins that re-export it get events: the host watches nothing for the others.

import { readInput, setCallError, takePendingError, writeOutput } from "./abi";
import { resetAbortState } from "./abort";
import { parseBytes, asObj, getInt } from "./json";
import { EventBatch } from "./kube";
import { registeredPlugin } from "./plugin";

export function plugin_on_event(): i32 {
  resetAbortState();
  takePendingError();
  const p = registeredPlugin();
  if (p == null) {
    setCallError("kubetile plugin: no plugin registered");
    return 1;
  }
  const input = parseBytes(readInput());
  const id = <i32>getInt(asObj(input), "pane_id", -1);
  if (id >= 0) p.paneId = id;
  const render = p.onEvents(EventBatch.fromJson(input));
  const err = takePendingError();
  if (err != null) {
    setCallError(err);
    __collect();
    return 1;
  }
  if (render != null) writeOutput(render.toJson());
  __collect();
  return 0;
}
