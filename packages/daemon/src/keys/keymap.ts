import { unsendableReason } from './terminal-keys.js';
import { KeyParseError, normalizeKey, type InputMode } from '@kubetile/rpc-schema';
import type { Action } from './actions.js';
import { DEFAULT_BINDINGS, GROUPS, HINT_BINDINGS, isPaneGroup, MODAL_HINTS, type BindingDef, type Group } from './bindings.js';

/** User overrides: `[keybindings.<group>] <name> = "key" | ["k1","k2"] | ""` (empty unbinds). */
export type BindingOverrides = Partial<Record<string, Record<string, string | string[]>>>;

export interface BoundEntry {
  group: Group;
  name: string;
  action: Action;
}

export interface BindingsSnapshot {
  groups: Array<{ group: Group; bindings: Array<{ name: string; keys: string[]; description: string }> }>;
}

export interface KeymapBuild {
  keymap: Keymap;
  /** Problems with the overrides: unknown groups/names, bad key strings, conflicts. */
  problems: Array<{ path: string; message: string; severity: 'error' | 'warning' }>;
}

/**
 * The bindings that let a terminal out, which no config may leave without a key a terminal can
 * send: detach (in every mode but insert) and leave_insert (in insert mode every other key goes to
 * the pane: an exec pane's shell, the query editor — detach included).
 */
const WAYS_OUT: ReadonlyArray<{ group: Group; name: string; why: string }> = [
  { group: 'global', name: 'detach', why: 'a terminal would have no key that leaves it' },
  { group: 'exec', name: 'leave_insert', why: 'insert mode would send every key to the pane, with none that leaves it' },
];
const wayOut = (group: Group, name: string): boolean => WAYS_OUT.some((w) => w.group === group && w.name === name);

/** A binding a config entry made ([[commands]], a plugin's keybinding), not one of the built-in ones. */
const userWritten = (name: string): boolean => name.startsWith('command:') || name.startsWith('plugin:');

/** A binding as a config's author knows it. */
function bindingName(group: string, name: string): string {
  if (name.startsWith('command:')) return `[[commands]] ${name.slice('command:'.length)}`;
  if (name.startsWith('plugin:')) return `plugin ${name.slice('plugin:'.length)}'s keybinding`;
  return `${group}.${name}`;
}

export class Keymap {
  private constructor(
    private readonly byGroup: Map<Group, Map<string, BoundEntry>>,
    private readonly defs: BindingDef[],
  ) {}

  /** Looks a canonical key up in the given groups, in order. */
  lookup(key: string, groups: readonly Group[]): BoundEntry | undefined {
    for (const g of groups) {
      const hit = this.byGroup.get(g)?.get(key);
      if (hit) return hit;
    }
    return undefined;
  }

  keysFor(group: Group, name: string): string[] {
    return this.defs.find((d) => d.group === group && d.name === name)?.keys ?? [];
  }

  /**
   * The status row's key hints for a client in `mode` (`input`: a text dialog is open, mode
   * `selector`): only keys that do what they say there. In insert mode every key but leave_insert
   * goes to the focused pane (an exec pane's shell, the query pane's form or editor); a dialog takes
   * its own few keys; the filter line its own, and the global bindings still work beside it.
   */
  hints(mode?: InputMode | 'input'): Array<{ key: string; label: string }> {
    if (mode === 'insert') {
      const leave = this.keysFor('exec', 'leave_insert')[0];
      return leave ? [{ key: leave, label: 'Leave insert mode (every other key goes to the pane)' }] : [];
    }
    if (mode === 'confirm' || mode === 'selector' || mode === 'input') return [...MODAL_HINTS[mode]];
    const out: Array<{ key: string; label: string }> = mode === 'filter' ? [...MODAL_HINTS.filter] : [];
    for (const [group, name, label] of HINT_BINDINGS) {
      if (mode === 'filter' && group !== 'global') continue;
      const k = this.keysFor(group, name)[0];
      if (k) out.push({ key: k, label });
    }
    return out;
  }

  snapshot(): BindingsSnapshot {
    return {
      groups: GROUPS.map((group) => ({
        group,
        bindings: this.defs
          .filter((d) => d.group === group)
          .map((d) => ({ name: d.name, keys: d.keys, description: d.description })),
      })),
    };
  }

  /** Defaults merged per key with the overrides; every problem is reported, none is fatal. */
  static build(overrides: BindingOverrides = {}, extra: readonly BindingDef[] = []): KeymapBuild {
    const problems: KeymapBuild['problems'] = [];
    const defs = [...DEFAULT_BINDINGS, ...extra].map((d) => ({ ...d, keys: [...d.keys] }));
    for (const [group, table] of Object.entries(overrides)) {
      if (!table) continue;
      if (!(GROUPS as readonly string[]).includes(group)) {
        problems.push({ path: `keybindings.${group}`, message: `unknown keybinding group '${group}' (known: ${GROUPS.join(', ')})`, severity: 'error' });
        continue;
      }
      for (const [name, value] of Object.entries(table)) {
        const d = defs.find((x) => x.group === group && x.name === name);
        if (!d) {
          problems.push({ path: `keybindings.${group}.${name}`, message: `unknown binding '${name}' in group '${group}'`, severity: 'error' });
          continue;
        }
        const keys = (Array.isArray(value) ? value : [value]).filter((k) => k !== '' && k !== 'none');
        const parsed: string[] = [];
        let bad = false;
        for (const k of keys) {
          try {
            parsed.push(normalizeKey(k));
          } catch (err) {
            bad = true;
            problems.push({ path: `keybindings.${group}.${name}`, message: err instanceof KeyParseError ? err.message : String(err), severity: 'error' });
          }
        }
        if (!bad) d.keys = parsed;
        for (const k of parsed) {
          const why = unsendableReason(k);
          if (why) problems.push({ path: `keybindings.${group}.${name}`, message: why, severity: 'warning' });
        }
      }
    }
    // Every terminal needs a way out: an empty detach binding would leave no key that leaves the TUI
    // (and an empty leave_insert none that leaves insert mode, where every other key goes to the pane).
    for (const out of WAYS_OUT) {
      const d = defs.find((x) => x.group === out.group && x.name === out.name);
      if (!d || d.keys.length > 0) continue;
      d.keys = [...DEFAULT_BINDINGS.find((x) => x.group === out.group && x.name === out.name)!.keys];
      problems.push({ path: `keybindings.${out.group}.${out.name}`, message: `${out.name} cannot be unbound (${out.why}); kept ${d.keys.join(', ')}`, severity: 'error' });
    }
    for (const d of defs) d.keys = d.keys.map((k) => normalizeKey(k));
    for (const d of extra) {
      for (const k of d.keys) {
        const why = unsendableReason(normalizeKey(k));
        if (why) problems.push({ path: `keybindings.${d.group}.${d.name}`, message: why, severity: 'warning' });
      }
    }

    const byGroup = new Map<Group, Map<string, BoundEntry>>();
    const seen = new Map<string, BoundEntry>();
    const globals = new Map<string, BoundEntry>();
    /** Keys a way out lost to another binding, and the warning that said so. */
    const lost = new Map<BindingDef, Array<{ key: string; to: BoundEntry; warning: KeymapBuild['problems'][number] }>>();
    for (const group of GROUPS) {
      const m = new Map<string, BoundEntry>();
      byGroup.set(group, m);
      // A pane group shadows the normal groups inside its pane: it clashes only with global keys and itself.
      const scope = isPaneGroup(group) ? new Map(globals) : seen;
      for (const d of defs.filter((x) => x.group === group)) {
        const kept: string[] = [];
        for (const k of d.keys) {
          // global keys apply in every mode, so they clash with any group; the others share normal mode.
          const prior = scope.get(k);
          if (prior) {
            // The same key twice in one binding (`help = ["f1", "f1"]`): nothing clashes.
            if (prior.group === group && prior.name === d.name) continue;
            // Said where the user wrote it: a [[commands]] entry's or a plugin's own key (load.ts maps
            // it to commands.N.key), not the built-in binding it met.
            const warning = {
              path: userWritten(prior.name) ? `keybindings.${prior.group}.${prior.name}` : `keybindings.${group}.${d.name}`,
              message: `key '${k}' is bound to both ${bindingName(prior.group, prior.name)} and ${bindingName(group, d.name)}; ${bindingName(prior.group, prior.name)} wins`,
              severity: 'warning' as const,
            };
            problems.push(warning);
            if (wayOut(group, d.name)) lost.set(d, [...(lost.get(d) ?? []), { key: k, to: prior, warning }]);
            continue;
          }
          const entry = { group, name: d.name, action: d.action };
          m.set(k, entry);
          scope.set(k, entry);
          if (group === 'global') globals.set(k, entry);
          kept.push(k);
        }
        d.keys = kept;
      }
    }
    // A way out whose keys all went to other bindings, or that a terminal cannot send, leaves none:
    // `[keybindings.global] help = "ctrl+q"` took detach's only key and was applied with a warning.
    for (const out of WAYS_OUT) {
      const d = defs.find((x) => x.group === out.group && x.name === out.name);
      if (!d || d.keys.some((k) => unsendableReason(k) === null)) continue;
      const path = `keybindings.${out.group}.${out.name}`;
      const taken = lost.get(d) ?? [];
      const moved = overrides[out.group]?.[out.name] !== undefined;
      // The warnings about these keys become this one error.
      const unsendable = new Set(d.keys.map((k) => unsendableReason(k)));
      for (let i = problems.length - 1; i >= 0; i--) {
        const p = problems[i]!;
        if (taken.some((t) => t.warning === p) || (p.path === path && unsendable.has(p.message))) problems.splice(i, 1);
      }
      const whys = [
        ...taken.map((t) => `'${t.key}' is taken by ${bindingName(t.to.group, t.to.name)}`),
        ...d.keys.map((k) => (unsendableReason(k) ?? '').replace(/, so this binding can never fire; choose another key$/, '')),
      ];
      // Said where the user wrote the clash: the way out moved onto a taken key, or the binding that took it.
      const first = taken[0]?.to;
      const at = moved || !first ? path : `keybindings.${first.group}.${first.name}`;
      problems.push({
        path: at,
        message: `${bindingName(out.group, out.name)} would have no key a terminal can send (${whys.join('; ')}): ${out.why}; choose another key${first ? ' for one of them' : ''}`,
        severity: 'error',
      });
    }
    return { keymap: new Keymap(byGroup, defs), problems };
  }
}
