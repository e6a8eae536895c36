import { isObj, str } from '../kinds/json.js';
import type { KindDef } from '../kinds/types.js';
import type { KubeObject } from '../types.js';
import { describeKnown } from './describe-dispatch.js';
import { writeEvents } from './describe-meta.js';
import { describeGeneric } from './describe-generic.js';
import { DescribeWriter } from './describe-writer.js';
import { plain, type Line } from './lines.js';

/**
 * A `kubectl describe`-like rendering of `obj`: Name, Namespace, Labels, Annotations, the kind's own sections
 * (Pod, Deployment, Service, Node… or spec/status for other kinds), then the `Events:` table built from the
 * events about this object (`events` may hold others: they are filtered by involved object and sorted by time).
 * Never throws: a describer failing on odd input falls back to the generic one, then to an error line.
 */
export function renderDescribe(obj: KubeObject, kind: KindDef | undefined, events: readonly KubeObject[], now: number): Line[] {
  if (!isObj(obj)) return [plain('<no object>', 'dim')];
  const o: KubeObject = isObj(obj.metadata) ? obj : { ...obj, metadata: { name: '', uid: '' } };
  const evs = Array.isArray(events) ? events : [];
  try {
    const w = new DescribeWriter();
    if (!describeKnown(w, o, kind, now)) describeGeneric(w, o);
    writeEvents(w, o, evs, now);
    return w.lines();
  } catch (first) {
    try {
      const w = new DescribeWriter();
      describeGeneric(w, o);
      writeEvents(w, o, evs, now);
      return w.lines();
    } catch {
      return [plain(`cannot describe ${str(o.kind)} ${str(o.metadata.name)}: ${first instanceof Error ? first.message : String(first)}`, 'error')];
    }
  }
}
