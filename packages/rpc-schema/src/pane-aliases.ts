/**
 * k9s's `:` names for the views kubetile has as pane types, so `:pf` lists the port-forwards and `:pu`
 * shows the pulse as k9s users type them (and `kubetile open pf`). In the `:` switcher a kind the API
 * server serves under the same name (a CRD's short name) wins, as kubectl would resolve it.
 */
const PANE_ALIASES: Readonly<Record<string, string>> = {
  pf: 'port-forwards',
  portforward: 'port-forwards',
  portforwards: 'port-forwards',
  pu: 'pulse',
  pulses: 'pulse',
};

/** The pane type a `:` name is k9s's alias for, or null. */
export function paneAlias(query: string): string | null {
  const q = query.trim().toLowerCase();
  return Object.hasOwn(PANE_ALIASES, q) ? PANE_ALIASES[q]! : null;
}
