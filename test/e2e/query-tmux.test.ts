import { describe, expect, it } from 'vitest';
import { tmuxMissing } from '../helpers/tmux.js';
import { useTmuxE2e } from '../helpers/tmux-e2e.js';

/**
 * The query pane end to end in a real terminal (tmux) on `kubetile --demo`: filter to postgres-0,
 * shift+q, the dialog prefilled from the pod's Secret, enter connects to the demo's embedded
 * PostgreSQL, a typed query runs with ctrl+r and its table is painted; esc browses, j moves.
 */

// kubetile starts the daemon itself: stopped with kill-server after each test.
const e2e = useTmuxE2e({ killServer: 'always' });

/** The engine's first start is an initdb in WASM: tens of seconds on a loaded machine. */
const ENGINE = 240_000;

describe.skipIf(tmuxMissing)('query pane in a real terminal (tmux)', () => {
  it('shift+q on the demo postgres pod, type a query, ctrl+r, read the table', async () => {
    const term = e2e.terminal(['--demo'], { cols: 140, rows: 44 });
    await term.waitScreen('demo pods listed', (s) => s.includes('Pods (shop)') && /postgres-0\s/.test(s), 60_000);
    term.keys('/');
    term.text('postgres-0');
    await term.waitScreen('filtered to postgres-0', (s) => /postgres-0\s/.test(s) && !/postgres-1\s/.test(s));
    term.keys('Enter');
    await term.waitScreen('normal mode', (s) => s.includes('NORMAL'));

    term.keys('Q');
    const dialog = await term.waitScreen('the connection dialog', (s) => s.includes('Connect to PostgreSQL') && s.includes('Password'), 60_000);
    expect(dialog).toContain('query shop/postgres-0');
    expect(dialog).toMatch(/User\s+shop\s+\(POSTGRES_USER from secret postgres-credentials key username\)/);
    expect(dialog).not.toContain('s3cr3t-demo-password');
    expect(dialog).toContain('INSERT');

    term.keys('Enter');
    await term.waitScreen('connected', (s) => /Connected — PostgreSQL 1\d/.test(s), ENGINE);

    term.text('SELECT sku, name, price, stock FROM products');
    term.keys('Enter');
    term.text('WHERE active ORDER BY price DESC');
    term.keys('C-r');
    const table = await term.waitScreen('the result table', (s) => s.includes('5 rows') && s.includes('mechanical keyboard'), 60_000);
    const rows = table.split('\n');
    expect(rows.some((r) => /sku\s+[│|]?\s*name\s+[│|]?\s*price\s+[│|]?\s*stock/.test(r))).toBe(true);
    const first = rows.findIndex((r) => r.includes('KEY-006'));
    expect(rows[first]).toMatch(/KEY-006\s+[│|]?\s*mechanical keyboard\s+[│|]?\s*149\.00\s+[│|]?\s*7\b/);
    expect(rows[first + 1]).toMatch(/TEE-00[23]\s+[│|]?\s*kubetile t-shirt/);
    expect(table).not.toContain('winter hat'); // inactive: filtered by the WHERE on the second line

    // Esc browses the result (normal mode); j moves the row cursor shown in the badge.
    term.keys('Escape');
    await term.waitScreen('browse mode', (s) => s.includes('NORMAL') && s.includes('1/5'));
    term.keys('j');
    await term.waitScreen('second row selected', (s) => s.includes('2/5'));
  }, ENGINE * 2);
});
