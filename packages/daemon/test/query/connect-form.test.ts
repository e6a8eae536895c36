import { describe, expect, it } from 'vitest';
import { ConnectForm } from '../../src/panes/query/connect-form.js';

/** The query pane's connection dialog: each value says where it came from, until the user changes it. */

const shown = (f: ConnectForm): string[] => f.render('shop/db-0', 120, () => undefined).map((row) => row.map((r) => r.text).join(''));

describe('ConnectForm', () => {
  it('a value the user edits stops naming the secret, env or default it came from', () => {
    const f = new ConnectForm();
    f.fill(
      {
        container: 'postgres',
        database: 'shop',
        user: 'shop',
        password: 'pw',
        port: 5432,
        sources: { database: 'env POSTGRES_DB', user: 'POSTGRES_USER from secret pg key username', password: 'POSTGRES_PASSWORD from secret pg key password', port: 'default' },
        problems: [],
      },
      {},
    );
    expect(shown(f).find((l) => l.includes('User'))).toMatch(/User\s+shop\s+\(POSTGRES_USER from secret pg key username\)/);
    f.next(1); // user
    f.clear();
    for (const ch of 'admin') f.type(ch);
    f.next(2); // port
    f.backspace();
    f.type('3');
    const rows = shown(f);
    expect(rows.find((l) => l.includes('User'))).toMatch(/User\s+admin\s+\(typed\)$/);
    expect(rows.find((l) => l.includes('Port'))).toMatch(/Port\s+5433\s+\(typed\)$/);
    // The untouched ones keep theirs.
    expect(rows.find((l) => l.includes('Database'))).toMatch(/Database\s+shop\s+\(env POSTGRES_DB\)$/);
    expect(f.checked()).toEqual({ database: 'shop', user: 'admin', password: 'pw', port: 5433 });
  });

  it('a port field takes digits only and an empty one is refused naming it', () => {
    const f = new ConnectForm();
    f.fill({ container: null, database: 'd', user: 'u', password: '', port: 5432, sources: {}, problems: [] }, {});
    f.field = 3;
    f.clear();
    f.type('abc');
    expect(f.values.port).toBe('');
    expect(f.checked()).toEqual({ error: 'Port "" is not 1–65535' });
  });
});
