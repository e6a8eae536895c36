import { KubeApiError } from './api-error.js';
import { formatBytes } from '../util/bytes.js';
import { grouped } from '../util/grouped.js';

/**
 * What an answer's JSON may hold, counted on the raw bytes as they arrive, before any parse.
 * JSON.parse's cost is in the values it makes, not the bytes: `{"items":[{},{},…]}` of 64 MB is
 * 21 million objects (~1.5 GB of heap, ~40 s), where 64 MB of real metrics are ~1.4 million.
 */
export interface JsonBudget {
  /** The most objects and arrays (`{`, `[`). */
  maxObjects: number;
  /** The most values (`{`, `[` and `,`). */
  maxValues: number;
  /** Once the body is past `denseFrom` bytes: at least this many bytes per object or array… */
  bytesPerObject: number;
  /** …and per value. */
  bytesPerValue: number;
  denseFrom: number;
}

/** How many times `byte` is in `buf` (indexOf is native: ~1 ms per MB, a loop in JS several times that). */
function occurrences(buf: Buffer, byte: number): number {
  let n = 0;
  for (let at = buf.indexOf(byte); at !== -1; at = buf.indexOf(byte, at + 1)) n++;
  return n;
}

/**
 * A `KubeRequest.onChunk` that refuses an answer holding more JSON than `budget` allows (brackets
 * and commas inside strings are counted too: that only errs on the side of refusing what is not
 * the data it should be). `what`: the request, for the message.
 */
export function jsonBudgetCheck(what: string, budget: JsonBudget): (chunk: Buffer, size: number) => void {
  let objects = 0;
  let values = 0;
  return (chunk, size) => {
    const o = occurrences(chunk, 0x7b) + occurrences(chunk, 0x5b);
    objects += o;
    values += o + occurrences(chunk, 0x2c);
    const dense = size > budget.denseFrom && (objects * budget.bytesPerObject > size || values * budget.bytesPerValue > size);
    if (objects > budget.maxObjects || values > budget.maxValues || dense) {
      throw new KubeApiError(
        `${what}: the answer holds far more JSON values than it should (${grouped(objects)} objects and arrays, ${grouped(values)} values in the first ${formatBytes(size)}; at most ${grouped(budget.maxObjects)} and ${grouped(budget.maxValues)}, one per ${budget.bytesPerObject} and ${budget.bytesPerValue} bytes); not read`,
        200,
        'TooDense',
      );
    }
  };
}
