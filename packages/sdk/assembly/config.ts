// The plugin's configuration: the `[plugins.config]` table of its config.toml
// entry, passed to `plugin_init` as a JSON object (values: strings, numbers,
// booleans). Accessors convert between those types where it makes sense.

import { JSON, asObj, getBool, getFloat, getInt, getString } from "./json";

export class Config {
  private obj: JSON.Obj;

  constructor(obj: JSON.Obj = new JSON.Obj()) {
    this.obj = obj;
  }

  static fromJson(value: JSON.Value): Config {
    return new Config(asObj(value));
  }

  /** The keys present, in the order given. */
  keys(): string[] {
    return this.obj.keys;
  }

  has(key: string): bool {
    return this.obj.has(key);
  }

  /** A value as text (numbers and booleans converted), or `fallback`. */
  getString(key: string, fallback: string = ""): string {
    return getString(this.obj, key, fallback);
  }

  /** A value as an integer (floats truncated, numeric strings parsed), or `fallback`. */
  getInt(key: string, fallback: i64 = 0): i64 {
    return getInt(this.obj, key, fallback);
  }

  /** A value as a float, or `fallback`. */
  getFloat(key: string, fallback: f64 = 0): f64 {
    return getFloat(this.obj, key, fallback);
  }

  /** A value as a boolean ("true"/"yes"/"1"/"on" strings count), or `fallback`. */
  getBool(key: string, fallback: bool = false): bool {
    return getBool(this.obj, key, fallback);
  }

  /** The raw JSON value, or null. */
  getValue(key: string): JSON.Value | null {
    return this.obj.get(key);
  }
}
