/** How a column's values are shown and sorted: by what its PostgreSQL type is. */
export type ValueKind = 'number' | 'bool' | 'json' | 'bytes' | 'time' | 'text';

/** The built-in type OIDs (pg_type.oid is stable for these), with their names as psql shows them. */
const TYPES: Record<number, [string, ValueKind]> = {
  16: ['bool', 'bool'],
  17: ['bytea', 'bytes'],
  18: ['char', 'text'],
  19: ['name', 'text'],
  20: ['int8', 'number'],
  21: ['int2', 'number'],
  23: ['int4', 'number'],
  24: ['regproc', 'text'],
  25: ['text', 'text'],
  26: ['oid', 'number'],
  114: ['json', 'json'],
  142: ['xml', 'text'],
  600: ['point', 'text'],
  650: ['cidr', 'text'],
  700: ['float4', 'number'],
  701: ['float8', 'number'],
  790: ['money', 'number'],
  829: ['macaddr', 'text'],
  869: ['inet', 'text'],
  1000: ['bool[]', 'text'],
  1001: ['bytea[]', 'text'],
  1005: ['int2[]', 'text'],
  1007: ['int4[]', 'text'],
  1009: ['text[]', 'text'],
  1015: ['varchar[]', 'text'],
  1016: ['int8[]', 'text'],
  1021: ['float4[]', 'text'],
  1022: ['float8[]', 'text'],
  1042: ['bpchar', 'text'],
  1043: ['varchar', 'text'],
  1082: ['date', 'time'],
  1083: ['time', 'time'],
  1114: ['timestamp', 'time'],
  1184: ['timestamptz', 'time'],
  1186: ['interval', 'text'],
  1231: ['numeric[]', 'text'],
  1266: ['timetz', 'time'],
  1560: ['bit', 'text'],
  1562: ['varbit', 'text'],
  1700: ['numeric', 'number'],
  2950: ['uuid', 'text'],
  2951: ['uuid[]', 'text'],
  3802: ['jsonb', 'json'],
  3807: ['jsonb[]', 'text'],
  199: ['json[]', 'text'],
  2205: ['regclass', 'text'],
  2206: ['regtype', 'text'],
  3614: ['tsvector', 'text'],
  3615: ['tsquery', 'text'],
};

/** psql's names for the types psql --csv cannot tell us (the fallback): every column is text there. */
export function typeName(oid: number): string {
  return TYPES[oid]?.[0] ?? `oid ${oid}`;
}

export function valueKind(oid: number): ValueKind {
  return TYPES[oid]?.[1] ?? 'text';
}

export const knownType = (oid: number): boolean => TYPES[oid] !== undefined;
