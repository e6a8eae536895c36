// The ABI exports; re-export them from a plugin's entry file:
//   export * from "@kubetile/sdk/exports";
export * from "./assembly/exports";
