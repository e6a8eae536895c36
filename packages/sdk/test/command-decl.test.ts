// The AssemblyScript decoder of PluginCommand (assembly/command.ts) cannot import the
// TypeScript declaration in @kubetile/rpc-schema, so it stays hand-written; this test holds
// it to that one declaration: the same type names in CommandKind order, and every field
// decoded and re-encoded under the name the schema gives it.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLUGIN_COMMAND_FIELDS, PLUGIN_COMMAND_TYPES } from '@kubetile/rpc-schema/plugin-abi';
import { COMMAND_TYPES } from '../abi.mjs';
import { SDK_DIR } from './helpers/paths.js';

const source = readFileSync(path.join(SDK_DIR, 'assembly/command.ts'), 'utf8');

function block(startPattern: RegExp): string {
  const m = startPattern.exec(source);
  if (!m) throw new Error(`assembly/command.ts: no ${startPattern}`);
  const end = source.indexOf('}', m.index + m[0].length);
  const close = source.indexOf('];', m.index + m[0].length);
  return source.slice(m.index + m[0].length, m[0].endsWith('[') ? close : end);
}

const kindNames = [...block(/const KIND_NAMES: string\[\] = \[/).matchAll(/"([a-z_]+)"/g)].map((m) => m[1]!);
const enumMembers = [...block(/export enum CommandKind \{/).matchAll(/^\s*([A-Za-z]+),?\s*$/gm)].map((m) => m[1]!);
const pascal = (wire: string): string => wire.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

describe('assembly/command.ts against PluginCommandSchema (@kubetile/rpc-schema)', () => {
  it('the SDK JS side uses the declaration itself', () => {
    expect(COMMAND_TYPES).toBe(PLUGIN_COMMAND_TYPES);
  });

  it('KIND_NAMES lists exactly the declared types after "unknown"', () => {
    expect(kindNames[0]).toBe('unknown');
    expect(kindNames.slice(1)).toEqual([...PLUGIN_COMMAND_TYPES]);
  });

  it('CommandKind has one member per KIND_NAMES entry, in the same order', () => {
    expect(enumMembers).toEqual(kindNames.map(pascal));
  });

  it('fromJson reads every declared field, under its wire name, and toJson writes it back for its kind', () => {
    const fromJson = source.slice(source.indexOf('static fromJson('));
    const toJson = source.slice(source.indexOf('toJson(): string {'), source.indexOf('static fromJson('));
    const read = new Set([...fromJson.matchAll(/get(?:String|Int|Bool)\(obj, "([a-z_]+)"/g)].map((m) => m[1]!));
    for (const [type, fields] of Object.entries(PLUGIN_COMMAND_FIELDS)) {
      for (const field of fields) {
        expect(read.has(field), `fromJson reads "${field}" (${type})`).toBe(true);
        const chunk = toJson.split('if (this.kind == ').find((c) => new RegExp(`^CommandKind\\.${pascal(type)}[) ]`).test(c)) ?? '';
        const written = chunk.includes(`"${field}":`);
        expect(written, `toJson writes "${field}" for ${type}`).toBe(true);
      }
    }
    // Nothing decoded that the declaration does not have (besides the host's pane_id).
    const declared = new Set(['type', 'pane_id', ...Object.values(PLUGIN_COMMAND_FIELDS).flat()]);
    expect([...read].filter((f) => !declared.has(f))).toEqual([]);
  });
});
