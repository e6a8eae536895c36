import { z } from 'zod';

/**
 * What every kubetile host function answers a plugin (plugin ABI): `{"ok":true,"value":…}`, or
 * `{"ok":false,"error":"…"}` with a message for the plugin. The value's shape is the function's
 * own (ABI.md section 5).
 */
export const HostResponseSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type HostResponse = z.infer<typeof HostResponseSchema>;
