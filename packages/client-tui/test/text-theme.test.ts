import { describe, expect, it } from 'vitest';
import { centre, fit, sanitize, stringWidth, truncate, wrap } from '../src/util/text.js';
import {
  ANSI_PALETTE, borderColor, detectColorLevel, modeStyle, palette, paletteFor, styleFor, toastColor, TRUE_COLOR_PALETTE,
} from '../src/tui/theme.js';
import { fitLine, lineText, lineWidth, seg } from '../src/tui/segments.js';

describe('text cells', () => {
  it('measures wide and zero-width characters', () => {
    expect(stringWidth('abc')).toBe(3);
    expect(stringWidth('日本')).toBe(4);
    expect(stringWidth('e\u0301')).toBe(1);
    expect(stringWidth('😀')).toBe(2);
  });

  it('fits, truncates with … and aligns', () => {
    expect(fit('web', 6)).toBe('web   ');
    expect(fit('web', 6, 'right')).toBe('   web');
    expect(fit('abcdefgh', 5)).toBe('abcd…');
    expect(truncate('日本語', 4)).toBe('日… ');
    expect(stringWidth(truncate('日本語', 4))).toBe(4);
    expect(centre('ab', 6)).toBe('  ab  ');
  });

  it('sanitises escape sequences and control characters', () => {
    expect(sanitize('\x1b[31mred\x1b[0m')).toBe('red');
    expect(sanitize('a\tb')).toBe('a    b');
    expect(sanitize('x\x07y\rz\x1b]0;title\x07')).toBe('xyz');
    // Bidi overrides and isolates (a label that would show a name reversed in a bidi terminal) are dropped.
    expect(sanitize('report\u202efdp.exe \u2066x\u2069\u200f')).toBe('reportfdp.exe x');
  });

  it('wraps words', () => {
    expect(wrap('the quick brown fox', 9)).toEqual(['the quick', 'brown fox']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('日本語', 4)).toEqual(['日本', '語']);
    expect(wrap('a b c d e f', 1, 3)).toEqual(['a', 'b', 'c']);
  });

  it('wraps a wide character into a 1-cell column (it looped forever, the client filling gigabytes)', () => {
    // A message pane 3 columns wide wraps into 1 cell: a 2-cell character never fit there.
    expect(wrap('漢', 1)).toEqual(['…']);
    expect(wrap('アクセス拒否 access denied', 1, 4)).toEqual(['…', '…', '…', '…']);
    expect(wrap('a漢b', 1)).toEqual(['a', '…', 'b']);
  });

  it('fits segment lines to an exact width', () => {
    const l = fitLine([seg('hello '), seg('world', { color: 'red' })], 8);
    expect(lineText(l)).toBe('hello w…');
    expect(lineWidth(fitLine([seg('ab')], 5))).toBe(5);
  });
});

describe('theme', () => {
  it('maps semantic styles to the palette', () => {
    expect(styleFor('ok').color).toBe(palette.ok);
    expect(styleFor('warn').color).toBe(palette.warn);
    expect(styleFor('error').color).toBe(palette.error);
    expect(styleFor('dim').color).toBe(palette.textDim);
    expect(styleFor('accent').color).toBe(palette.accent);
    expect(styleFor('selected').backgroundColor).toBe(palette.selectionBg);
    expect(styleFor('header').bold).toBe(true);
    expect(styleFor('match').color).toBe(palette.match);
    expect(styleFor(undefined)).toEqual({});
    expect(styleFor('normal')).toEqual({});
  });

  it('uses KubeTile colours for borders, modes and toasts', () => {
    expect(TRUE_COLOR_PALETTE.borderActive).toBe('#89b4fa');
    expect(TRUE_COLOR_PALETTE.border).toBe('#585b70');
    expect(TRUE_COLOR_PALETTE.insertBg).toBe('#a6e3a1');
    expect(borderColor(true)).toBe(palette.borderActive);
    expect(borderColor(false)).toBe(palette.border);
    expect(modeStyle('insert').backgroundColor).toBe(palette.insertBg);
    expect(modeStyle('normal').backgroundColor).toBe(palette.accent);
    expect(toastColor('error')).toBe(palette.error);
    expect(toastColor('success')).toBe(palette.ok);
    expect(toastColor('info')).toBe(palette.accent);
  });
});

describe('colour levels', () => {
  it('detects the level like chalk, erring low', () => {
    expect(detectColorLevel({ COLORTERM: 'truecolor', TERM: 'xterm' })).toBe(3);
    expect(detectColorLevel({ TERM: 'xterm-256color' })).toBe(2);
    expect(detectColorLevel({ TERM: 'tmux-256color' })).toBe(2);
    expect(detectColorLevel({ TERM: 'screen' })).toBe(1);
    expect(detectColorLevel({ TERM: 'linux' })).toBe(1);
    expect(detectColorLevel({ TERM: 'dumb' })).toBe(0);
    expect(detectColorLevel({ FORCE_COLOR: '3', TERM: 'screen' })).toBe(3);
    expect(detectColorLevel({ FORCE_COLOR: '0' })).toBe(0);
  });

  it('uses named ANSI colours below 256 colours, so borders never turn black', () => {
    expect(paletteFor(1)).toBe(ANSI_PALETTE);
    expect(paletteFor(3)).toBe(TRUE_COLOR_PALETTE);
    expect(paletteFor(2)).toBe(TRUE_COLOR_PALETTE);
    expect(ANSI_PALETTE.border).toBe('gray');
    expect(ANSI_PALETTE.error).toBe('red');
  });
});
