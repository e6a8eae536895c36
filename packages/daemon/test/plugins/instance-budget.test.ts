import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PLUGIN_INSTANCES, InstanceBudget, pluginInstancesCap, Turns } from '../../src/plugins/instance-budget.js';

describe('pluginInstancesCap', () => {
  it('takes KUBETILE_MAX_PLUGIN_INSTANCES when it is a whole number from 1 to 10000; unset or empty, the default', () => {
    expect(pluginInstancesCap({})).toBe(DEFAULT_MAX_PLUGIN_INSTANCES);
    expect(pluginInstancesCap({ KUBETILE_MAX_PLUGIN_INSTANCES: '' })).toBe(DEFAULT_MAX_PLUGIN_INSTANCES);
    expect(pluginInstancesCap({ KUBETILE_MAX_PLUGIN_INSTANCES: '5' })).toBe(5);
    expect(pluginInstancesCap({ KUBETILE_MAX_PLUGIN_INSTANCES: '10000' })).toBe(10_000);
  });

  it('refuses any other value, naming the variable, the value and what is allowed', () => {
    const allowed = 'it must be a whole number from 1 to 10000 (digits only), or unset for the default of 64';
    for (const bad of [' ', '0', '-3', '2.5', 'many', '1e9', ' 5', '5 ', '0x10', '10001', '1e400', 'a\nb']) {
      expect(() => pluginInstancesCap({ KUBETILE_MAX_PLUGIN_INSTANCES: bad })).toThrow(
        `KUBETILE_MAX_PLUGIN_INSTANCES=${JSON.stringify(bad)} in the daemon's environment is not a number of plugin instances: ${allowed}`,
      );
    }
    // A long value is cut, saying how long it was.
    expect(() => pluginInstancesCap({ KUBETILE_MAX_PLUGIN_INSTANCES: '9'.repeat(100) })).toThrow(`KUBETILE_MAX_PLUGIN_INSTANCES="${'9'.repeat(40)}"… (100 characters) in`);
  });
});

describe('InstanceBudget', () => {
  it('holds a closed pane’s seat until it leaves; a pane waiting for it gets it then', async () => {
    const b = new InstanceBudget(2);
    const [x, y, z] = [{}, {}, {}];
    expect(b.take(x)).toBe(true);
    expect(b.take(x)).toBe(true);
    expect(b.take(y)).toBe(true);
    expect(b.take(z)).toBe(false);
    // Nobody closing: waiting would never end, so it says no at once.
    expect(await b.freed()).toBe(false);
    b.closed(x);
    expect(b.take(z)).toBe(false);
    const waited = b.freed();
    b.leave(x);
    expect(await waited).toBe(true);
    expect(b.take(z)).toBe(true);
    expect(b.used).toBe(2);
    b.leave(y);
    b.leave(y);
    b.leave(z);
    expect(b.used).toBe(0);
  });
});

describe('Turns', () => {
  it('runs at most n at once, the rest in order, and gives a turn back when work fails', async () => {
    const t = new Turns(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gates: Array<() => void> = [];
    const job = (i: number) =>
      t.run(async () => {
        running++;
        most = Math.max(most, running);
        order.push(i);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        if (i === 0) throw new Error('boom');
        return i;
      });
    const all = [0, 1, 2, 3, 4].map((i) => job(i).catch((e: unknown) => String(e)));
    while (order.length < 5) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    for (const g of gates.splice(0)) g();
    expect(await Promise.all(all)).toEqual(['Error: boom', 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });
});
