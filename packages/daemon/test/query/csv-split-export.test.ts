import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from '../../src/query/csv.js';
import { defaultExportPath, expandPath, exportCsv } from '../../src/query/export-file.js';
import { splitStatements } from '../../src/query/sql-split.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('CSV', () => {
  it('quotes commas, quotes, line breaks and edge spaces; NULL is an empty field; CRLF line ends', () => {
    expect(toCsv(['a', 'b,c'], [['x', null], ['say "hi"', 'two\nlines'], [' pad', '']])).toBe('a,"b,c"\r\nx,\r\n"say ""hi""","two\nlines"\r\n" pad",\r\n');
  });

  it('parses psql --csv output back: quoted fields with commas, quotes and newlines; an unquoted empty field is NULL, "" the empty string', () => {
    expect(parseCsv('id,name,note\n1,"Ada, Countess","said ""hi""\nthen left"\n2,,""\n')).toEqual([
      ['id', 'name', 'note'],
      ['1', 'Ada, Countess', 'said "hi"\nthen left'],
      ['2', null, ''],
    ]);
  });

  it('refuses an unclosed quoted field', () => {
    expect(() => parseCsv('a\n"never closed\n')).toThrow('CSV: a quoted field is not closed');
  });
});

describe('splitStatements', () => {
  it('splits at top-level semicolons only: not in strings, identifiers, dollar bodies or comments', () => {
    const sql = [
      "SELECT 'a;b' AS s, \"we;ird\" FROM t; -- a comment; here",
      "INSERT INTO x VALUES (E'it\\'s;');",
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;',
      '/* outer /* nested; */ still comment; */ SELECT 2',
    ].join('\n');
    expect(splitStatements(sql)).toEqual([
      "SELECT 'a;b' AS s, \"we;ird\" FROM t",
      "-- a comment; here\nINSERT INTO x VALUES (E'it\\'s;')",
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql',
      '/* outer /* nested; */ still comment; */ SELECT 2',
    ]);
  });

  it('drops statements of only comments and blanks', () => {
    expect(splitStatements(' ; -- nothing\n; /* */ ;')).toEqual([]);
  });
});

describe('exportCsv', () => {
  it('writes a new 0600 file, creating directories, and never overwrites one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kt-export-'));
    dirs.push(dir);
    const path = join(dir, 'sub', 'out.csv');
    expect(await exportCsv(path, ['n', 'v'], [['1', null], ['2', 'a,b']])).toBe(path);
    expect(readFileSync(path, 'utf8')).toBe('n,v\r\n1,\r\n2,"a,b"\r\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeFileSync(join(dir, 'taken.csv'), 'mine');
    await expect(exportCsv(join(dir, 'taken.csv'), ['n'], [])).rejects.toThrow(`${join(dir, 'taken.csv')} exists already; choose another name`);
    expect(readFileSync(join(dir, 'taken.csv'), 'utf8')).toBe('mine');
    await expect(exportCsv('  ', ['n'], [])).rejects.toThrow('no file name given');
  });

  it('the default path is in the home directory, named after the pod and the time; ~ expands', () => {
    expect(defaultExportPath('db/0 x', new Date(2026, 0, 2, 3, 4, 5))).toBe('~/kubetile_db_0_x_20260102_030405.csv');
    expect(expandPath('~/a.csv', '/home/u')).toBe('/home/u/a.csv');
    expect(expandPath('rel/a.csv', '/home/u')).toBe('/home/u/rel/a.csv');
  });
});
