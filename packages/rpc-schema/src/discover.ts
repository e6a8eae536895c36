import { z } from 'zod';
import { API_LEVEL } from './api-level.js';
import { ALL_NOTIFICATIONS, ALL_REQUESTS } from './methods.js';

const jsonSchema = (s: z.ZodType): unknown => z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' });

/** The `rpc/discover` answer, generated from the same declarations the daemon validates with. */
export function describeApi() {
  return {
    apiLevel: API_LEVEL,
    methods: [
      ...ALL_REQUESTS.map((d) => ({
        name: d.name,
        kind: 'request' as const,
        since: d.since,
        description: d.description,
        params: jsonSchema(d.params),
        result: jsonSchema(d.result),
      })),
      ...ALL_NOTIFICATIONS.map((d) => ({
        name: d.name,
        kind: 'notification' as const,
        since: d.since,
        description: d.description,
        params: jsonSchema(d.params),
      })),
    ],
  };
}
