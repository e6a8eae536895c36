// AssemblyScript entry of @kubetile/sdk (asc resolves `@kubetile/sdk` to this file).
export * from "./assembly/index";
