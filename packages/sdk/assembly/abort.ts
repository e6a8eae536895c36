// The abort handler every kubetile plugin is compiled with
// (`--use abort=~lib/@kubetile/sdk/assembly/abort/kubetileAbort`, added by the
// build helper). Extism provides no `env.abort`, so without this alias the
// module would not link.
//
// An abort (failed assert, out-of-bounds array access, `throw`) ends in a trap:
// the host sees the call rejected with "unreachable". The Extism JS host drops
// the error set before a trap, so the message is also sent to the host's
// plugin log (log_error), where the host can pick it up.

import { error_set, log_error } from "@extism/as-pdk/lib/env";
import { storeString } from "./abi";

let aborting = false;

/** @hidden Called by the SDK at the start of every hook. */
export function resetAbortState(): void {
  aborting = false;
}

export function kubetileAbort(
  message: string | null,
  fileName: string | null,
  lineNumber: u32,
  columnNumber: u32,
): void {
  // An abort raised while building the message (e.g. out of memory) traps at once.
  if (aborting) unreachable();
  aborting = true;
  let text = "abort: " + (message != null ? message : "(no message)");
  if (fileName != null) {
    text += " at " + fileName + ":" + lineNumber.toString() + ":" + columnNumber.toString();
  }
  const off = storeString(text);
  if (off != 0) {
    log_error(off);
    const off2 = storeString(text);
    if (off2 != 0) error_set(off2);
  }
  unreachable();
}
