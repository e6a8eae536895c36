// Kubernetes-aware host functions: read any kind from the daemon's informers
// (k8s_list) and ask for writes (k8s_write), which the user confirms.
//
//   k8sList("deployments")                    → k8s:list:deployments
//   k8sWrite(Write.scale("deployments", "web", 3))   → k8s:scale:deployments
//   k8sWrite(Write.delete("pods", "web-1").inNamespace("dev"))
//                                             → k8s:delete:pods (or k8s:delete:pods:ns=dev)
//   k8sWrite(Write.patch("deployments", "web", '{"metadata":{"labels":{"tier":"a"}}}'))
//                                             → k8s:patch:deployments
//
// A write returns once the user has answered the confirmation shown on the
// client that sent the command being handled (so: only from onCommand). It
// fails (Status.ok false, error saying why) when not permitted, in read-only
// mode, declined, or refused by the API server; every one is in the audit log.

import { free } from "@extism/as-pdk/lib/env";
import { Envelope, Result, Status, encodeRequest } from "./host";
import { JSON, JsonWriter, asObj } from "./json";

@external("kubetile", "k8s_list")
declare function kubetile_k8s_list(request: u64): u64;

@external("kubetile", "k8s_logs")
declare function kubetile_k8s_logs(request: u64): u64;

@external("kubetile", "k8s_write")
declare function kubetile_k8s_write(request: u64): u64;

/**
 * The objects of a kind (`pods`, `deployments`, `certificates.cert-manager.io`),
 * as the API server sends them. `namespace`: "" = the pane's, "*" = all.
 * Needs `k8s:list:<kind>` (or `k8s:list:<kind>:ns=<namespace>`).
 */
export function k8sList(kind: string, namespace: string = ""): Result<JSON.Obj[]> {
  const req = new JsonWriter().beginObject().key("kind").string(kind);
  if (namespace.length > 0) req.key("namespace").string(namespace);
  req.endObject();
  const reqOff = encodeRequest(req.toString());
  const respOff = kubetile_k8s_list(reqOff);
  free(reqOff);
  const env = Envelope.fromOffset(respOff);
  const out = new Array<JSON.Obj>();
  if (!env.ok) return new Result<JSON.Obj[]>(false, env.error, out);
  const items = asObj(env.value).getArr("items");
  if (items == null) return new Result<JSON.Obj[]>(false, "k8s_list: expected {items:[...]}", out);
  const arr = items.valueOf();
  for (let i = 0; i < arr.length; i++) if (arr[i].isObj) out.push(<JSON.Obj>arr[i]);
  return new Result<JSON.Obj[]>(true, "", out);
}

/**
 * The last `tailLines` lines (1..5000) of a pod's log (at most 1 MiB).
 * `namespace` "" = the pane's; `container` "" = the pod's only one.
 * Needs `k8s:logs:pods` (or `k8s:logs:pods:ns=<namespace>`).
 */
export function k8sLogs(pod: string, tailLines: i32 = 100, namespace: string = "", container: string = ""): Result<string[]> {
  const req = new JsonWriter().beginObject().key("pod").string(pod).key("tail_lines").int(tailLines);
  if (namespace.length > 0) req.key("namespace").string(namespace);
  if (container.length > 0) req.key("container").string(container);
  req.endObject();
  const reqOff = encodeRequest(req.toString());
  const respOff = kubetile_k8s_logs(reqOff);
  free(reqOff);
  const env = Envelope.fromOffset(respOff);
  const out = new Array<string>();
  if (!env.ok) return new Result<string[]>(false, env.error, out);
  const lines = asObj(env.value).getArr("lines");
  if (lines == null) return new Result<string[]>(false, "k8s_logs: expected {lines:[...]}", out);
  const arr = lines.valueOf();
  for (let i = 0; i < arr.length; i++) if (arr[i].isString) out.push((<JSON.Str>arr[i]).valueOf());
  return new Result<string[]>(true, "", out);
}

/** A write for `k8sWrite`: build it with Write.delete / Write.scale / Write.patch. */
export class Write {
  verb: string = "";
  kind: string = "";
  name: string = "";
  namespace: string = "";
  uid: string = "";
  replicas: i32 = -1;
  patchJson: string = "";

  /** Deletes an object (permission k8s:delete:<kind>). */
  static delete(kind: string, name: string): Write {
    const w = new Write();
    w.verb = "delete";
    w.kind = kind;
    w.name = name;
    return w;
  }

  /** Sets replicas (permission k8s:scale:<kind>; Deployments, StatefulSets, ReplicaSets). */
  static scale(kind: string, name: string, replicas: i32): Write {
    const w = new Write();
    w.verb = "scale";
    w.kind = kind;
    w.name = name;
    w.replicas = replicas;
    return w;
  }

  /** Applies a JSON merge patch, given as JSON text (permission k8s:patch:<kind>). */
  static patch(kind: string, name: string, patchJson: string): Write {
    const w = new Write();
    w.verb = "patch";
    w.kind = kind;
    w.name = name;
    w.patchJson = patchJson;
    return w;
  }

  /** In this namespace rather than the pane's. */
  inNamespace(namespace: string): Write {
    this.namespace = namespace;
    return this;
  }

  /** Only this very object (a new object that took the name is refused). */
  withUid(uid: string): Write {
    this.uid = uid;
    return this;
  }

  toJson(): string {
    const w = new JsonWriter().beginObject().key("verb").string(this.verb).key("kind").string(this.kind).key("name").string(this.name);
    if (this.namespace.length > 0) w.key("namespace").string(this.namespace);
    if (this.uid.length > 0) w.key("uid").string(this.uid);
    if (this.replicas >= 0) w.key("replicas").int(this.replicas);
    if (this.patchJson.length > 0) w.key("patch").raw(this.patchJson);
    return w.endObject().toString();
  }
}

/** Asks for a write; returns once it is done or refused (see the top of this file). */
export function k8sWrite(write: Write): Status {
  return k8sWriteJson(write.toJson());
}

/** The same with a request of your own making (the ABI's JSON, see ABI.md). */
export function k8sWriteJson(json: string): Status {
  const reqOff = encodeRequest(json);
  const respOff = kubetile_k8s_write(reqOff);
  free(reqOff);
  const env = Envelope.fromOffset(respOff);
  return new Status(env.ok, env.error);
}

/** One change of an object a plugin may list (plugin_on_event). */
export class KubeEvent {
  /** ADDED, MODIFIED or DELETED (the newest change while the plugin was busy). */
  type: string = "";
  /** The kind as named in the permission (`pods`). */
  kind: string = "";
  namespace: string = "";
  name: string = "";
  uid: string = "";
  /** The object's newest state. */
  object: JSON.Obj = new JSON.Obj();
}

/** What `onEvents` gets: changes, and kinds to list again (too many changes, or a relist). */
export class EventBatch {
  events: KubeEvent[] = new Array<KubeEvent>();
  resync: string[] = new Array<string>();

  static fromJson(value: JSON.Value): EventBatch {
    const b = new EventBatch();
    const o = asObj(value);
    const evs = o.getArr("events");
    if (evs != null) {
      const arr = evs.valueOf();
      for (let i = 0; i < arr.length; i++) {
        const e = asObj(arr[i]);
        const k = new KubeEvent();
        const t = e.getString("type");
        if (t != null) k.type = t.valueOf();
        const kind = e.getString("kind");
        if (kind != null) k.kind = kind.valueOf();
        const ns = e.getString("namespace");
        if (ns != null) k.namespace = ns.valueOf();
        const n = e.getString("name");
        if (n != null) k.name = n.valueOf();
        const u = e.getString("uid");
        if (u != null) k.uid = u.valueOf();
        const obj = e.getObj("object");
        if (obj != null) k.object = obj;
        b.events.push(k);
      }
    }
    const rs = o.getArr("resync");
    if (rs != null) {
      const arr = rs.valueOf();
      for (let i = 0; i < arr.length; i++) if (arr[i].isString) b.resync.push((<JSON.Str>arr[i]).valueOf());
    }
    return b;
  }
}
