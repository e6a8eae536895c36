/** JSON-RPC error codes used by kubetile. Standard codes first, then ours (-320xx). */
export const ErrorCodes = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** A call other than daemon/hello arrived before the handshake. */
  HandshakeRequired: -32000,
  /** The client's apiLevel is not one this daemon speaks. */
  IncompatibleApiLevel: -32001,
  /** The call needs an attached session (session/attach first). */
  NotAttached: -32002,
  /** A referenced tab, pane, plugin, session or port-forward does not exist. */
  NotFound: -32004,
  /** The operation cannot be done in the current state. */
  InvalidState: -32005,
  /** The daemon is shutting down. */
  ShuttingDown: -32006,
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
