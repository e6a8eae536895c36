// @kubetile/sdk — write kubetile pane plugins in AssemblyScript.
//
//   import { Plugin, Command, CommandKind, Lines, registerPlugin } from "@kubetile/sdk";
//   export * from "@kubetile/sdk/exports";
//
// See packages/sdk/README.md for a guide and packages/sdk/ABI.md for the wire contract.

// The abort handler the build helper aliases (--use abort=…): always loaded.
export { kubetileAbort } from "./abort";
export { Plugin, registerPlugin } from "./plugin";
export { Command, CommandKind, commandKindName, commandKindFromName } from "./command";
export { Config } from "./config";
export { Color, Style, StyledLine } from "./styled";
export { Align, ColumnType, Table, TableRow } from "./table";
export {
  Lines,
  codePointWidth,
  columns,
  containsIgnoreCase,
  displayWidth,
  fit,
  formatAge,
  padEnd,
  padStart,
  truncate,
} from "./lines";
export {
  Envelope,
  Pod,
  Result,
  Secret,
  SecretInfo,
  Status,
  clipboardWrite,
  encodeRequest,
  getSecret,
  listPods,
  listSecrets,
  sendRender,
} from "./host";
export { EventBatch, KubeEvent, Write, k8sList, k8sLogs, k8sWrite, k8sWriteJson } from "./kube";
export { LogLevel, fail, log, readInput, readInputString, writeOutput } from "./abi";
export {
  JSON,
  JSONHandler,
  JsonWriter,
  asObj,
  decodeInto,
  getBool,
  getFloat,
  getInt,
  getString,
  parseBytes,
  parseString,
  quote,
} from "./json";
