// ABI v2: re-export this from a plugin's entry file to render styled lines and
// tables (Lines.styled / Lines.table):
//
//   export * from "@kubetile/sdk/v2";
//
// The export's presence is the declaration (the host never calls it): without
// it the host reads the plugin's renders as ABI v1 (plain lines only).

export function plugin_abi_v2(): i32 {
  return 2;
}
