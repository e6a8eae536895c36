import { ALL_NOTIFICATIONS, REQUESTS_BY_NAME, validate, type NotificationDecl } from '@kubetile/rpc-schema';
import type { Contract } from './contract.js';

const NOTIFICATIONS: ReadonlyMap<string, NotificationDecl> = new Map(ALL_NOTIFICATIONS.map((d) => [d.name, d]));

/** Everything checked with rpc-schema's zod schemas; a method this build does not declare passes as sent. */
export const SCHEMA_CONTRACT: Contract = {
  name: 'schema',
  result(method, raw) {
    const d = REQUESTS_BY_NAME.get(method);
    return d ? validate(d.result, raw) : { ok: true, value: raw };
  },
  notification(method, raw) {
    const d = NOTIFICATIONS.get(method);
    return d ? validate(d.params, raw) : undefined;
  },
};
