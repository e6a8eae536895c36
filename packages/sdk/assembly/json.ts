// JSON helpers for the SDK and for plugin authors who want to persist state.
//
// Decoding uses assemblyscript-json (JSON.parse → a Value tree). Encoding is done
// here: assemblyscript-json's encoders mis-escape control characters (Str.stringify
// emits a raw backslash + the raw character; JSONEncoder aborts on most of them),
// so `quote` and `JsonWriter` below escape everything JSON requires.

import { JSON, JSONDecoder, JSONHandler } from "assemblyscript-json/assembly";

export { JSON, JSONHandler };

const HEX = "0123456789abcdef";

/** Returns `s` as a JSON string literal, quotes included. */
export function quote(s: string): string {
  const n = s.length;
  let start = 0;
  let parts: string[] | null = null;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    if (parts == null) parts = new Array<string>();
    if (i > start) parts.push(s.substring(start, i));
    start = i + 1;
    if (c == 0x22) parts.push('\\"');
    else if (c == 0x5c) parts.push("\\\\");
    else if (c == 0x0a) parts.push("\\n");
    else if (c == 0x0d) parts.push("\\r");
    else if (c == 0x09) parts.push("\\t");
    else if (c == 0x08) parts.push("\\b");
    else if (c == 0x0c) parts.push("\\f");
    else parts.push("\\u00" + HEX.charAt((c >> 4) & 0xf) + HEX.charAt(c & 0xf));
  }
  if (parts == null) return '"' + s + '"';
  if (start < n) parts.push(s.substring(start));
  return '"' + parts.join("") + '"';
}

/** Encodes an array of strings as a JSON array. */
export function stringArrayToJson(items: string[]): string {
  const parts = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) parts[i] = quote(items[i]);
  return "[" + parts.join(",") + "]";
}

/**
 * A small streaming JSON writer.
 *
 *   const w = new JsonWriter();
 *   w.beginObject().key("filter").string(q).key("cursor").int(3).endObject();
 *   w.toString(); // {"filter":"...","cursor":3}
 */
export class JsonWriter {
  private parts: string[] = new Array<string>();
  // One entry per open container: true until its first element is written.
  private firstStack: bool[] = new Array<bool>();
  private afterKey: bool = false;

  private beforeValue(): void {
    if (this.afterKey) {
      this.afterKey = false;
      return;
    }
    const depth = this.firstStack.length;
    if (depth == 0) return;
    if (this.firstStack[depth - 1]) this.firstStack[depth - 1] = false;
    else this.parts.push(",");
  }

  key(name: string): JsonWriter {
    this.beforeValue();
    this.parts.push(quote(name));
    this.parts.push(":");
    this.afterKey = true;
    return this;
  }

  beginObject(): JsonWriter {
    this.beforeValue();
    this.parts.push("{");
    this.firstStack.push(true);
    return this;
  }

  endObject(): JsonWriter {
    this.parts.push("}");
    this.firstStack.pop();
    return this;
  }

  beginArray(): JsonWriter {
    this.beforeValue();
    this.parts.push("[");
    this.firstStack.push(true);
    return this;
  }

  endArray(): JsonWriter {
    this.parts.push("]");
    this.firstStack.pop();
    return this;
  }

  string(value: string): JsonWriter {
    this.beforeValue();
    this.parts.push(quote(value));
    return this;
  }

  int(value: i64): JsonWriter {
    this.beforeValue();
    this.parts.push(value.toString());
    return this;
  }

  float(value: f64): JsonWriter {
    this.beforeValue();
    // JSON has no NaN/Infinity.
    this.parts.push(isFinite(value) ? value.toString() : "null");
    return this;
  }

  bool(value: bool): JsonWriter {
    this.beforeValue();
    this.parts.push(value ? "true" : "false");
    return this;
  }

  null(): JsonWriter {
    this.beforeValue();
    this.parts.push("null");
    return this;
  }

  /** Writes pre-encoded JSON text as one value (no validation). */
  raw(json: string): JsonWriter {
    this.beforeValue();
    this.parts.push(json);
    return this;
  }

  toString(): string {
    return this.parts.join("");
  }
}

// ---- reading helpers -------------------------------------------------------

// Builds a JSON.Value tree. A fresh handler per parse: assemblyscript-json's
// JSON.parse keeps one global handler whose stack is left dirty when a parse
// aborts, which would corrupt every later parse in a reused instance.
class TreeHandler extends JSONHandler {
  stack: JSON.Value[] = new Array<JSON.Value>();
  root: JSON.Value | null = null;

  setString(name: string, value: string): void {
    this.add(name, JSON.Value.String(value));
  }
  setBoolean(name: string, value: bool): void {
    this.add(name, JSON.Value.Bool(value));
  }
  setNull(name: string): void {
    this.add(name, JSON.Value.Null());
  }
  setInteger(name: string, value: i64): void {
    this.add(name, JSON.Value.Integer(value));
  }
  setFloat(name: string, value: f64): void {
    this.add(name, JSON.Value.Float(value));
  }
  pushArray(name: string): bool {
    const v = JSON.Value.Array();
    this.add(name, v);
    this.stack.push(v);
    return true;
  }
  popArray(): void {
    this.stack.pop();
  }
  pushObject(name: string): bool {
    const v = JSON.Value.Object();
    this.add(name, v);
    this.stack.push(v);
    return true;
  }
  popObject(): void {
    this.stack.pop();
  }
  private add(name: string, v: JSON.Value): void {
    const depth = this.stack.length;
    if (depth == 0) {
      if (this.root == null) this.root = v;
      return;
    }
    const top = this.stack[depth - 1];
    if (top.isObj) (<JSON.Obj>top).set(name, v);
    else if (top.isArr) (<JSON.Arr>top).push(v);
  }
}

// assemblyscript-json does not know the JSON escape \f (form feed), which
// JSON.stringify emits: rewrite it as \u000c before decoding.
function normalizeEscapes(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (bytes[i] == 0x5c && i + 1 < n) {
      if (bytes[i + 1] == 0x66) count++;
      i++;
    }
  }
  if (count == 0) return bytes;
  const out = new Uint8Array(n + count * 4);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b == 0x5c && i + 1 < n) {
      const c = bytes[i + 1];
      i++;
      if (c == 0x66) {
        // \u000c
        out[j++] = 0x5c;
        out[j++] = 0x75;
        out[j++] = 0x30;
        out[j++] = 0x30;
        out[j++] = 0x30;
        out[j++] = 0x63;
      } else {
        out[j++] = b;
        out[j++] = c;
      }
    } else {
      out[j++] = b;
    }
  }
  return out;
}

/**
 * Streams UTF-8 JSON bytes into a custom assemblyscript-json handler (no tree is
 * built: the cheapest way to decode large payloads). Malformed JSON traps.
 */
export function decodeInto<H extends JSONHandler>(bytes: Uint8Array, handler: H): void {
  const decoder = new JSONDecoder<H>(handler);
  decoder.deserialize(normalizeEscapes(bytes));
}

/** Parses UTF-8 JSON bytes; an empty buffer parses as `{}`. Malformed JSON traps. */
export function parseBytes(bytes: Uint8Array): JSON.Value {
  if (bytes.length == 0) return new JSON.Obj();
  const handler = new TreeHandler();
  const decoder = new JSONDecoder<TreeHandler>(handler);
  decoder.deserialize(normalizeEscapes(bytes));
  const root = handler.root;
  return root != null ? root : JSON.Value.Null();
}

/** Parses a JSON string; an empty string parses as `{}`. Malformed JSON traps. */
export function parseString(text: string): JSON.Value {
  if (text.length == 0) return new JSON.Obj();
  return parseBytes(Uint8Array.wrap(String.UTF8.encode(text)));
}

/** `value` as an object, or an empty object when it is something else. */
export function asObj(value: JSON.Value | null): JSON.Obj {
  if (value != null && value.isObj) return <JSON.Obj>value;
  return new JSON.Obj();
}

/** A string field; numbers and booleans are converted to their text. */
export function getString(obj: JSON.Obj, key: string, fallback: string = ""): string {
  const v = obj.get(key);
  if (v == null || v.isNull) return fallback;
  if (v.isString) return (<JSON.Str>v).valueOf();
  if (v.isInteger) return (<JSON.Integer>v).valueOf().toString();
  if (v.isFloat || v.isNum) return (<JSON.Num>v).valueOf().toString();
  if (v.isBool) return (<JSON.Bool>v).valueOf() ? "true" : "false";
  return fallback;
}

/** An integer field; floats are truncated, numeric strings parsed. */
export function getInt(obj: JSON.Obj, key: string, fallback: i64 = 0): i64 {
  const v = obj.get(key);
  if (v == null) return fallback;
  if (v.isInteger) return (<JSON.Integer>v).valueOf();
  if (v.isFloat || v.isNum) {
    const f = (<JSON.Num>v).valueOf();
    return isFinite(f) ? <i64>f : fallback;
  }
  if (v.isString) return parseIntOr((<JSON.Str>v).valueOf(), fallback);
  if (v.isBool) return (<JSON.Bool>v).valueOf() ? 1 : 0;
  return fallback;
}

/** A float field; integers widened, numeric strings parsed. */
export function getFloat(obj: JSON.Obj, key: string, fallback: f64 = 0): f64 {
  const v = obj.get(key);
  if (v == null) return fallback;
  if (v.isInteger) return <f64>(<JSON.Integer>v).valueOf();
  if (v.isFloat || v.isNum) return (<JSON.Num>v).valueOf();
  if (v.isString) {
    const f = parseFloat((<JSON.Str>v).valueOf().trim());
    return isNaN(f) ? fallback : f;
  }
  return fallback;
}

/** A boolean field; "true"/"false"/"1"/"0"/"yes"/"no" strings and numbers accepted. */
export function getBool(obj: JSON.Obj, key: string, fallback: bool = false): bool {
  const v = obj.get(key);
  if (v == null) return fallback;
  if (v.isBool) return (<JSON.Bool>v).valueOf();
  if (v.isInteger) return (<JSON.Integer>v).valueOf() != 0;
  if (v.isFloat || v.isNum) return (<JSON.Num>v).valueOf() != 0;
  if (v.isString) {
    const s = (<JSON.Str>v).valueOf().trim().toLowerCase();
    if (s == "true" || s == "1" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "0" || s == "no" || s == "off") return false;
  }
  return fallback;
}

function parseIntOr(text: string, fallback: i64): i64 {
  const s = text.trim();
  if (s.length == 0) return fallback;
  let i = 0;
  let negative = false;
  if (s.charCodeAt(0) == 0x2d) {
    negative = true;
    i = 1;
  } else if (s.charCodeAt(0) == 0x2b) {
    i = 1;
  }
  if (i >= s.length) return fallback;
  let n: i64 = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return fallback;
    n = n * 10 + <i64>(c - 0x30);
  }
  return negative ? -n : n;
}
