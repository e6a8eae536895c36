/** The longest error message printed whole (one that quotes a 120 KB argument back is cut). */
const MAX_MESSAGE_CHARS = 2000;

/**
 * `message`, cut to MAX_MESSAGE_CHARS with a note saying how much was left out. Its own module:
 * the command line's first step uses it, and must not load the RPC schemas (zod) on its way to the
 * first frame.
 */
export function shortMessage(message: string): string {
  return message.length <= MAX_MESSAGE_CHARS ? message : `${message.slice(0, MAX_MESSAGE_CHARS)}… (${(message.length - MAX_MESSAGE_CHARS).toLocaleString('en-US')} more characters)`;
}
