// ABI v2 declaration; re-export it from a plugin's entry file to render styled lines and tables:
//   export * from "@kubetile/sdk/v2";
export * from "./assembly/v2";
