/** A value the daemon sent, after checking: the value to use, or what was wrong with it. */
export type Checked = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * How a connection checks what the daemon sends. `schema-contract.ts` checks everything with the
 * zod schemas of rpc-schema; `light-contract.ts` checks the attach path by hand, so a client can
 * paint its first frame before zod has loaded.
 */
export interface Contract {
  /** `schema` or `light`, for logs. */
  readonly name: string;
  /** The result of a request by its method. */
  result(method: string, raw: unknown): Checked;
  /** The params of a notification; undefined when this build does not declare the method. */
  notification(method: string, raw: unknown): Checked | undefined;
}

/** The full contract (zod), loaded on first use. */
export const schemaContract = async (): Promise<Contract> => (await import('./schema-contract.js')).SCHEMA_CONTRACT;
