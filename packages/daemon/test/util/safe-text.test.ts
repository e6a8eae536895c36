import { describe, expect, it } from 'vitest';
import { escapeUnsafe, oneLine } from '../../src/util/safe-text.js';

describe('text from elsewhere in a message', () => {
  it('oneLine: control, DEL, C1 and bidirectional characters become one space, trimmed and cut', () => {
    expect(oneLine('\u001b[31mred\u001b[0m\r\nnext\u009bline\u202egnp.exe\u0007', 100)).toBe('[31mred [0m next line gnp.exe');
    expect(oneLine('x'.repeat(10), 4)).toBe('xxxx…');
    expect(oneLine('\u0000\u0001', 10)).toBe('');
  });
  it('escapeUnsafe: the text exactly, each unsafe character written out', () => {
    expect(escapeUnsafe('a\u001bb\u202ec\u2066d é')).toBe('a\\u001bb\\u202ec\\u2066d é');
  });
});
