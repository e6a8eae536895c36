import { Requests } from '@kubetile/rpc-schema';
import type { Io } from './io.js';
import { callInterruptibly, withScriptClient } from './rpc-command.js';
import { alignColumns } from './view-text.js';

/** `kubetile plugins`: the configured plugins, their state and call statistics. */
export async function runPluginsList(io: Io, socket: string | undefined, json: boolean): Promise<number> {
  return withScriptClient(io, socket, 'kubetile-plugins', async (client) => {
    const { plugins } = await client.request(Requests.pluginList, {});
    if (json) {
      io.out(`${JSON.stringify(plugins, null, 2)}\n`);
      return 0;
    }
    if (plugins.length === 0) {
      io.err('no plugins configured ([[plugins]] in config.toml)\n');
      return 0;
    }
    const ms = (n: number | null): string => (n === null ? '-' : `${n.toFixed(1)}ms`);
    const rows = [['KEY', 'STATUS', 'INSTANCES', 'CALLS', 'ERRORS', 'P50', 'P99', 'PATH']];
    for (const p of plugins) rows.push([p.key, p.status, String(p.instances), String(p.calls), String(p.errors), ms(p.p50Ms), ms(p.p99Ms), p.path]);
    io.out(`${alignColumns(rows).join('\n')}\n`);
    for (const p of plugins) if (p.error) io.err(`${p.key}: ${p.error}\n`);
    return 0;
  });
}

/** `kubetile plugins reload KEY`: loads the plugin's file again (the old one keeps running if that fails). */
export async function runPluginsReload(io: Io, socket: string | undefined, key: string, json: boolean): Promise<number> {
  return withScriptClient(io, socket, 'kubetile-plugins', async (client) => {
    const r = await callInterruptibly(io, client, Requests.pluginReload.name, { key });
    if (!r.ok) return r.code;
    io.out(json ? `${JSON.stringify({ reloaded: key })}\n` : `reloaded ${key}\n`);
    return 0;
  });
}
