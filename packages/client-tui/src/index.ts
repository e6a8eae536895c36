export { run } from './cli/run.js';
export { parseCli, UsageError, type Command } from './cli/args.js';
export { DaemonClient, DaemonUnreachableError, RpcError, ConnectionLostError } from './connection/daemon-client.js';
export { AttachedClient, type SessionEnd } from './connection/attached-client.js';
export { decodeKeys, KeyDecoder } from './input/decode-keys.js';
export { Store } from './tui/store.js';
export { EndInOrderReader, READER_ENDED } from './connection/end-in-order-reader.js';
export { OneWriteMessageWriter } from './connection/frame-writer.js';
