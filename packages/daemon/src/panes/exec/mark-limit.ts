/**
 * Combining marks beyond a few per character are dropped from a program's output before it reaches
 * the emulator.
 *
 * Why: xterm.js stores every combining mark printed after a character in that character's cell (a
 * JS string grown one mark at a time), with no limit. Scrollback is bounded in lines only, so
 * `a` followed by thousands of U+0301 in a loop grew the daemon by ~30× the bytes received
 * (20 MB of output: 611 MB of heap) and kept it all in the scrollback.
 *
 * How: the filter follows xterm's own parser (its VT500 state table, EscapeSequenceParser.ts in
 * @xterm/headless 6) to know which code points are printed and when xterm stops joining marks to the
 * previous cell (a control, a dispatched escape sequence, the end of an OSC or DCS string). A
 * zero-width code point that xterm may join to the current cell is dropped once the cell holds
 * MAX_MARK_UNITS UTF-16 units of them. Everything else passes byte for byte: escape sequences
 * (strings included), controls, every other character. The output is valid UTF-8 only: invalid
 * bytes (which xterm's decoder discards too) are left out, and a sequence cut at the end of a chunk
 * is held until the next one, so the filter and xterm always see the same code points.
 *
 * Wherever the filter could be unsure, it errs towards counting (dropping more): a character that
 * might be zero-width counts as a mark (isZeroWidthish is a superset of xterm's zero-width set,
 * checked against xterm by the tests), and a mark printed where xterm would not join it counts as
 * a new cell's character.
 */

import { codePointSet } from '../../util/code-point-set.js';

/** UTF-16 units of marks kept per cell: with a one-unit base a cell's text stays under 13 units (V8 keeps such strings flat; longer ones become ~10× larger rope nodes). */
export const MAX_MARK_UNITS = 11;

// xterm's parser states (ParserState in EscapeSequenceParser.ts).
const GROUND = 0;
const ESCAPE = 1;
const ESC_INTER = 2;
const CSI_ENTRY = 3;
const CSI_PARAM = 4;
const CSI_INTER = 5;
const CSI_IGNORE = 6;
const SOS_PM_APC = 7;
const OSC = 8;
const DCS_ENTRY = 9;
const DCS_PARAM = 10;
const DCS_INTER = 11;
const DCS_IGNORE = 12;
const DCS_PASS = 13;

// What a code point does, for joining: printed, or ends joining (xterm resets precedingJoinState on
// EXECUTE, CSI/ESC dispatch, OSC end and DCS unhook), or neither.
const NONE = 0;
const PRINT = 1;
const BREAK = 2;

/** C0 controls xterm executes (EXECUTABLES: all but CAN, SUB and ESC). */
const isExecutable = (c: number): boolean => c <= 0x17 || c === 0x19 || (c >= 0x1c && c <= 0x1f);

/**
 * Zero-width in the emulator's widths (cell-widths.ts: rpc-schema's charWidth) or in xterm's
 * Unicode 6 ones, or possibly so (marks, format characters, line and paragraph separators, Hangul
 * jamo vowels and finals).
 */
const ZERO_WIDTHISH = /[\p{Mn}\p{Me}\p{Mc}\p{Cf}\p{Zl}\p{Zp}\u06de\u1160-\u11ff\ud7b0-\ud7ff]/u;
const zeroWidthishFrom300 = codePointSet(ZERO_WIDTHISH, 0x300);

export function isZeroWidthish(cp: number): boolean {
  return cp < 0x300 ? cp === 0xad : zeroWidthishFrom300(cp);
}

export class MarkLimiter {
  private state = GROUND;
  /** xterm may join a zero-width code point to the current cell now. */
  private joinable = false;
  /** UTF-16 units of marks (possibly) joined to the current cell. */
  private units = 0;
  /** The start of a UTF-8 sequence cut at the end of the last chunk. */
  private carry: Uint8Array = new Uint8Array(0);
  /** Marks dropped so far. */
  dropped = 0;

  constructor(private readonly maxUnits = MAX_MARK_UNITS) {}

  /** `data` without the marks to drop (the same array when nothing is left out). */
  filter(data: Uint8Array): Uint8Array {
    let input = data;
    if (this.carry.length > 0) {
      input = new Uint8Array(this.carry.length + data.length);
      input.set(this.carry);
      input.set(data, this.carry.length);
      this.carry = new Uint8Array(0);
    }
    const n = input.length;
    // Bytes [0, w) of `out` are the result; out stays null (and w === i) while nothing was left out.
    let out: Uint8Array | null = null;
    let w = 0;
    /** The result so far, copied out once a first byte is left out at `from`. */
    const begin = (from: number): Uint8Array => {
      const o = new Uint8Array(n);
      o.set(input.subarray(0, from));
      return o;
    };
    let i = 0;
    while (i < n) {
      const b = input[i]!;
      if (b < 0x80) {
        this.step(b);
        if (out) out[w++] = b;
        else w++;
        i++;
        continue;
      }
      let len: number;
      let cp: number;
      if ((b & 0xe0) === 0xc0) {
        len = 2;
        cp = b & 0x1f;
      } else if ((b & 0xf0) === 0xe0) {
        len = 3;
        cp = b & 0x0f;
      } else if ((b & 0xf8) === 0xf0) {
        len = 4;
        cp = b & 0x07;
      } else {
        // A stray continuation byte or an invalid lead: xterm discards it.
        out ??= begin(i);
        i++;
        continue;
      }
      let k = 1;
      for (; k < len && i + k < n; k++) {
        const c = input[i + k]!;
        if ((c & 0xc0) !== 0x80) break;
        cp = (cp << 6) | (c & 0x3f);
      }
      if (k < len && i + k >= n) {
        // Cut at the end of the chunk: kept for the next one.
        out ??= begin(i);
        this.carry = input.slice(i);
        break;
      }
      if (k < len) {
        // A byte that does not continue the sequence: xterm discards what came before it.
        out ??= begin(i);
        i += k;
        continue;
      }
      const invalid = len === 2 ? cp < 0x80 : len === 3 ? cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfeff : cp < 0x10000 || cp > 0x10ffff;
      if (invalid || !this.step(cp)) {
        if (!invalid) this.dropped++;
        out ??= begin(i);
      } else if (out) {
        for (let j = 0; j < len; j++) out[w++] = input[i + j]!;
      } else w += len;
      i += len;
    }
    if (!out) return w === data.length && input === data ? data : input.subarray(0, w);
    return out.subarray(0, w);
  }

  /** Follows one code point through xterm's parser; false: a mark to drop. */
  private step(c: number): boolean {
    const action = this.transition(c);
    if (action === BREAK) {
      this.joinable = false;
      this.units = 0;
    } else if (action === PRINT) {
      if (!isZeroWidthish(c) || !this.joinable) {
        // A new cell (or, for a lone mark, possibly one: counted as such).
        this.joinable = true;
        this.units = 0;
      } else {
        const u = c > 0xffff ? 2 : 1;
        if (this.units + u > this.maxUnits) return false;
        this.units += u;
      }
    }
    return true;
  }

  /** xterm's VT500_TRANSITION_TABLE: moves to the next state, says what the code point does. */
  private transition(c: number): number {
    const s = this.state;
    // C1 controls and CAN/SUB/ESC act in every state (the "anywhere" rules), with the string states' own endings.
    if (c === 0x1b) {
      this.state = ESCAPE;
      return s === OSC || s === DCS_PASS ? BREAK : NONE;
    }
    if (c === 0x18 || c === 0x1a || (c >= 0x80 && c <= 0x97 && c !== 0x90) || c === 0x99 || c === 0x9a) {
      this.state = GROUND;
      return BREAK;
    }
    if (c >= 0x80 && c <= 0x9f) {
      if (c === 0x9c) {
        this.state = GROUND;
        return s === OSC || s === DCS_PASS ? BREAK : NONE;
      }
      this.state = c === 0x9d ? OSC : c === 0x9b ? CSI_ENTRY : c === 0x90 ? DCS_ENTRY : SOS_PM_APC;
      return NONE;
    }
    const wide = c >= 0xa0;
    switch (s) {
      case GROUND:
        if (wide || (c >= 0x20 && c <= 0x7e)) return PRINT;
        return isExecutable(c) ? BREAK : NONE;
      case ESCAPE:
        if (isExecutable(c)) return BREAK;
        if (c === 0x7f) return NONE;
        if (wide) return this.to(GROUND, NONE);
        if (c >= 0x20 && c <= 0x2f) return this.to(ESC_INTER, NONE);
        if (c === 0x5b) return this.to(CSI_ENTRY, NONE);
        if (c === 0x5d) return this.to(OSC, NONE);
        if (c === 0x50) return this.to(DCS_ENTRY, NONE);
        if (c === 0x58 || c === 0x5e || c === 0x5f) return this.to(SOS_PM_APC, NONE);
        return this.to(GROUND, BREAK);
      case ESC_INTER:
        if (isExecutable(c)) return BREAK;
        if (c === 0x7f || (c >= 0x20 && c <= 0x2f)) return NONE;
        return this.to(GROUND, wide ? NONE : BREAK);
      case CSI_ENTRY:
      case CSI_PARAM:
      case CSI_INTER:
        if (isExecutable(c)) return BREAK;
        if (c === 0x7f) return NONE;
        if (wide) return this.to(GROUND, NONE);
        if (c >= 0x40) return this.to(GROUND, BREAK);
        if (c <= 0x2f) return this.to(CSI_INTER, NONE);
        // 0x30–0x3f: parameters (a private marker only first); anything else makes the sequence ignored.
        if (s === CSI_INTER || (s === CSI_PARAM && c >= 0x3c)) return this.to(CSI_IGNORE, NONE);
        return this.to(CSI_PARAM, NONE);
      case CSI_IGNORE:
        if (isExecutable(c)) return BREAK;
        if (!wide && c >= 0x40 && c <= 0x7e) return this.to(GROUND, NONE);
        return NONE;
      case SOS_PM_APC:
        return wide ? this.to(GROUND, NONE) : NONE;
      case OSC:
        return c === 0x07 ? this.to(GROUND, BREAK) : NONE;
      case DCS_ENTRY:
      case DCS_PARAM:
      case DCS_INTER:
        if (c < 0x20 || c === 0x7f) return NONE;
        if (wide) return this.to(GROUND, NONE);
        if (c >= 0x40) return this.to(DCS_PASS, NONE);
        if (c <= 0x2f) return this.to(DCS_INTER, NONE);
        if (s === DCS_INTER || (s === DCS_PARAM && c >= 0x3c)) return this.to(DCS_IGNORE, NONE);
        return this.to(DCS_PARAM, NONE);
      default:
        // DCS_IGNORE, DCS_PASS: everything else stays in the string.
        return NONE;
    }
  }

  private to(state: number, action: number): number {
    this.state = state;
    return action;
  }
}
