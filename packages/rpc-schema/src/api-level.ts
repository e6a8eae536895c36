/** The RPC API level this build speaks. Bumped only for incompatible contract changes. */
export const API_LEVEL = 1;
/** Oldest client API level the daemon still accepts. */
export const MIN_API_LEVEL = 1;
export const PRODUCT_NAME = 'kubetile';
export const PRODUCT_VERSION = '0.1.0';
/** Largest JSON-RPC message body accepted on the socket, in bytes. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
