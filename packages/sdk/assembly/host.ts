// Typed calls to the kubetile host functions (import module "kubetile").
//
// Each host function takes one Extism block holding a JSON request and returns
// one block holding `{"ok":true,"value":...}` or `{"ok":false,"error":"..."}`.
// The wrappers here build the request, decode the envelope and return a
// Result/Status: they never trap on a host-side error.
//
// A host function is only imported into the .wasm when the plugin actually
// calls its wrapper, so a plugin needs exactly the permissions of the calls it
// makes: listPods → k8s:list:pods, getSecret/listSecrets → k8s:get:secrets,
// clipboardWrite → clipboard:write; sendRender needs none.

import { free } from "@extism/as-pdk/lib/env";
import { loadBlock, storeString } from "./abi";
import { JSON, JSONHandler, JsonWriter, asObj, decodeInto, getBool, getInt, getString, parseBytes } from "./json";
import { Lines } from "./lines";

@external("kubetile", "host_send_render")
declare function kubetile_host_send_render(request: u64): u64;

@external("kubetile", "list_pods")
declare function kubetile_list_pods(request: u64): u64;

@external("kubetile", "get_secret")
declare function kubetile_get_secret(request: u64): u64;

@external("kubetile", "clipboard_write")
declare function kubetile_clipboard_write(request: u64): u64;

/** Outcome of a host call that returns nothing. */
export class Status {
  constructor(
    /** true when the host did what was asked. */
    public ok: bool,
    /** The host's error message when `ok` is false, else "". */
    public error: string,
  ) {}
}

/** Outcome of a host call that returns a value. `value` is always usable:
 *  on error it is an empty value (empty array, empty secret). */
export class Result<T> extends Status {
  constructor(ok: bool, error: string, public value: T) {
    super(ok, error);
  }
}

/** The decoded response envelope of any host function. */
export class Envelope {
  ok: bool = false;
  error: string = "";
  value: JSON.Value = JSON.Value.Null();

  /** Decodes (and frees) the response block at `offset`. */
  static fromOffset(offset: u64): Envelope {
    const env = new Envelope();
    if (offset == 0) {
      env.error = "host function returned no response";
      return env;
    }
    const bytes = loadBlock(offset, true);
    const obj = asObj(parseBytes(bytes));
    env.ok = getBool(obj, "ok", false);
    if (env.ok) {
      const v = obj.get("value");
      if (v != null) env.value = v;
    } else {
      env.error = getString(obj, "error", "host function failed");
    }
    return env;
  }
}

/** Stores a JSON request for a host function (exported for custom host functions). */
export function encodeRequest(json: string): u64 {
  return storeString(json);
}

function finish(requestOffset: u64, responseOffset: u64): Envelope {
  free(requestOffset);
  return Envelope.fromOffset(responseOffset);
}

// ---- pods ---------------------------------------------------------------------

/** A pod as `list_pods` reports it. */
export class Pod {
  name: string = "";
  namespace: string = "";
  /** Pod phase: Pending, Running, Succeeded, Failed, Unknown. */
  phase: string = "";
  /** What kubectl shows in STATUS: Running, CrashLoopBackOff, Completed, … */
  status: string = "";
  /** Ready containers, like "1/2". */
  ready: string = "";
  restarts: i32 = 0;
  node: string = "";
  ageSeconds: i64 = 0;

  /** The status is CrashLoopBackOff. */
  get crashLooping(): bool {
    return this.status == "CrashLoopBackOff";
  }

  static fromJson(value: JSON.Value): Pod {
    const o = asObj(value);
    const p = new Pod();
    p.name = getString(o, "name");
    p.namespace = getString(o, "namespace");
    p.phase = getString(o, "phase");
    p.status = getString(o, "status", p.phase);
    p.ready = getString(o, "ready");
    p.restarts = <i32>getInt(o, "restarts");
    p.node = getString(o, "node");
    p.ageSeconds = getInt(o, "age_seconds");
    return p;
  }
}

// Decodes a list_pods envelope straight into Pod objects: no JSON tree, so a
// list of thousands of pods costs little more than the Pods themselves.
class PodListHandler extends JSONHandler {
  depth: i32 = 0;
  ok: bool = false;
  error: string = "";
  sawValueArray: bool = false;
  inValue: bool = false;
  pods: Pod[] = new Array<Pod>();
  current: Pod | null = null;

  setString(name: string, value: string): void {
    if (this.depth == 1) {
      if (name == "error") this.error = value;
      return;
    }
    const p = this.current;
    if (this.depth != 3 || p == null) return;
    if (name == "name") p.name = value;
    else if (name == "namespace") p.namespace = value;
    else if (name == "phase") p.phase = value;
    else if (name == "status") p.status = value;
    else if (name == "ready") p.ready = value;
    else if (name == "node") p.node = value;
    else if (name == "restarts") p.restarts = <i32>parseInt(value);
    else if (name == "age_seconds") p.ageSeconds = <i64>parseInt(value);
  }

  setBoolean(name: string, value: bool): void {
    if (this.depth == 1 && name == "ok") this.ok = value;
  }

  setInteger(name: string, value: i64): void {
    const p = this.current;
    if (this.depth != 3 || p == null) return;
    if (name == "restarts") p.restarts = <i32>value;
    else if (name == "age_seconds") p.ageSeconds = value;
  }

  setFloat(name: string, value: f64): void {
    if (isFinite(value)) this.setInteger(name, <i64>value);
  }

  pushArray(name: string): bool {
    this.depth++;
    if (this.depth == 2 && name == "value") {
      this.sawValueArray = true;
      this.inValue = true;
    }
    return true;
  }

  popArray(): void {
    if (this.depth == 2) this.inValue = false;
    this.depth--;
  }

  pushObject(name: string): bool {
    this.depth++;
    if (this.depth == 3 && this.inValue) {
      const p = new Pod();
      this.current = p;
      this.pods.push(p);
    }
    return true;
  }

  popObject(): void {
    if (this.depth == 3) {
      const p = this.current;
      if (p != null && p.status.length == 0) p.status = p.phase;
      this.current = null;
    }
    this.depth--;
  }
}

/**
 * Lists pods (permission `k8s:list:pods`).
 * `namespace`: "" = the pane's namespace, "*" = all namespaces.
 */
export function listPods(namespace: string = ""): Result<Pod[]> {
  const req = new JsonWriter().beginObject();
  if (namespace.length > 0) req.key("namespace").string(namespace);
  req.endObject();
  const reqOff = encodeRequest(req.toString());
  const respOff = kubetile_list_pods(reqOff);
  free(reqOff);
  if (respOff == 0) return new Result<Pod[]>(false, "host function returned no response", new Array<Pod>());
  const h = new PodListHandler();
  decodeInto<PodListHandler>(loadBlock(respOff, true), h);
  if (!h.ok) return new Result<Pod[]>(false, h.error.length > 0 ? h.error : "host function failed", new Array<Pod>());
  if (!h.sawValueArray) return new Result<Pod[]>(false, "list_pods: expected an array", new Array<Pod>());
  return new Result<Pod[]>(true, "", h.pods);
}

// ---- secrets ------------------------------------------------------------------

/** A secret with its data decoded to UTF-8 strings. */
export class Secret {
  name: string = "";
  namespace: string = "";
  type: string = "";
  /** Keys in the order the host sent them. */
  keys: string[] = new Array<string>();
  /** key → decoded value. */
  data: Map<string, string> = new Map<string, string>();

  /** The value of `key`, or "" when absent. */
  get(key: string): string {
    return this.data.has(key) ? this.data.get(key) : "";
  }

  has(key: string): bool {
    return this.data.has(key);
  }

  static fromJson(value: JSON.Value): Secret {
    const o = asObj(value);
    const s = new Secret();
    s.name = getString(o, "name");
    s.namespace = getString(o, "namespace");
    s.type = getString(o, "type");
    const data = o.getObj("data");
    if (data != null) {
      const keys = data.keys;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        s.keys.push(k);
        s.data.set(k, getString(data, k));
      }
    }
    return s;
  }
}

/** One entry of `listSecrets`. */
export class SecretInfo {
  name: string = "";
  type: string = "";
  /** Number of keys in the secret's data. */
  keys: i32 = 0;

  static fromJson(value: JSON.Value): SecretInfo {
    const o = asObj(value);
    const s = new SecretInfo();
    s.name = getString(o, "name");
    s.type = getString(o, "type");
    s.keys = <i32>getInt(o, "keys");
    return s;
  }
}

/** Reads one secret, values decoded (permission `k8s:get:secrets`). `namespace` "" = the pane's. */
export function getSecret(namespace: string, name: string): Result<Secret> {
  const req = new JsonWriter().beginObject();
  if (namespace.length > 0) req.key("namespace").string(namespace);
  req.key("name").string(name).endObject();
  const reqOff = encodeRequest(req.toString());
  const env = finish(reqOff, kubetile_get_secret(reqOff));
  if (!env.ok) return new Result<Secret>(false, env.error, new Secret());
  if (!env.value.isObj) return new Result<Secret>(false, "get_secret: expected an object", new Secret());
  return new Result<Secret>(true, "", Secret.fromJson(env.value));
}

/** Lists the secrets of a namespace (permission `k8s:get:secrets`). `namespace` "" = the pane's. */
export function listSecrets(namespace: string = ""): Result<SecretInfo[]> {
  const req = new JsonWriter().beginObject();
  if (namespace.length > 0) req.key("namespace").string(namespace);
  req.endObject();
  const reqOff = encodeRequest(req.toString());
  const env = finish(reqOff, kubetile_get_secret(reqOff));
  const out = new Array<SecretInfo>();
  if (!env.ok) return new Result<SecretInfo[]>(false, env.error, out);
  const items = asObj(env.value).getArr("items");
  if (items == null) return new Result<SecretInfo[]>(false, "get_secret: expected {items:[...]}", out);
  const arr = items.valueOf();
  for (let i = 0; i < arr.length; i++) out.push(SecretInfo.fromJson(arr[i]));
  return new Result<SecretInfo[]>(true, "", out);
}

// ---- clipboard and render ---------------------------------------------------------

/** Copies text to the user's clipboard (permission `clipboard:write`). */
export function clipboardWrite(text: string): Status {
  const req = new JsonWriter().beginObject().key("text").string(text).endObject();
  const reqOff = encodeRequest(req.toString());
  const env = finish(reqOff, kubetile_clipboard_write(reqOff));
  return new Status(env.ok, env.error);
}

/** Pushes a render to the pane now, outside a command's return (always allowed). */
export function sendRender(lines: Lines): Status {
  const reqOff = encodeRequest(lines.toJson());
  const env = finish(reqOff, kubetile_host_send_render(reqOff));
  return new Status(env.ok, env.error);
}
