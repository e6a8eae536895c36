/**
 * Membership of a code point in a set a regular expression of one character describes, for hot loops
 * over text: the Basic Multilingual Plane from `from` on is looked up in a table (built on first use;
 * the expression alone took ~18 ns a character on CJK text), what lies beyond it asks the expression.
 * Below `from`, nothing is in the set.
 */
export function codePointSet(oneChar: RegExp, from: number): (cp: number) => boolean {
  if (oneChar.global || oneChar.sticky) throw new Error('codePointSet: the expression must not be global or sticky (test() would move lastIndex)');
  let table: Uint8Array | null = null;
  return (cp) => {
    if (cp < from) return false;
    if (cp > 0xffff) return oneChar.test(String.fromCodePoint(cp));
    if (!table) {
      table = new Uint8Array(0x10000);
      for (let c = from; c <= 0xffff; c++) if ((c < 0xd800 || c > 0xdfff) && oneChar.test(String.fromCharCode(c))) table[c] = 1;
    }
    return table[cp] === 1;
  };
}
