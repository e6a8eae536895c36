import { describe, expect, it } from 'vitest';
import { arrivalSeq, type LogLine, type LogOrigin } from '../../src/kube/logs/log-line.js';
import { LogBuffer } from '../../src/panes/logs/log-buffer.js';
import { compileFilter } from '../../src/panes/logs/log-filter.js';
import { LogScroll } from '../../src/panes/logs/log-scroll.js';
import { logFileName, safePart } from '../../src/panes/logs/log-files.js';
import { mergeStreams } from './stream-merge-model.js';

const A: LogOrigin = { pod: 'p', container: 'a' };
const B: LogOrigin = { pod: 'p', container: 'b' };
const C: LogOrigin = { pod: 'p', container: 'c' };
const line = (sec: number, text: string, origin = A, nano = 0): LogLine => ({ sec, nano, seq: arrivalSeq(), text, chars: text.length, origin, cut: 0 });
const texts = (b: LogBuffer) => b.matching().map((l) => l.text);

describe('the logs filter', () => {
  it('substring (case-insensitive), re: (a regular expression), ! inverts', () => {
    const f = (q: string) => {
      const c = compileFilter(q);
      if (!c || !c.ok) throw new Error(String(c && !c.ok ? c.error : 'null'));
      return ['GET /health 200', 'POST /orders 500', 'get /cart 404'].filter((t) => c.test(t));
    };
    expect(f('get')).toEqual(['GET /health 200', 'get /cart 404']);
    expect(f('re:^GET')).toEqual(['GET /health 200']);
    expect(f('re: [45]\\d\\d$')).toEqual(['POST /orders 500', 'get /cart 404']);
    expect(f('!get')).toEqual(['POST /orders 500']);
    expect(f('!re:\\d00$')).toEqual(['get /cart 404']);
    expect(compileFilter('')).toBeNull();
  });

  it('a pattern that compiles to a huge automaton is refused: linear time with a huge factor still held the daemon for minutes', () => {
    // 80 × [a-z]{1000}: ~80,000 instructions, ~60 s per MiB of letters (a 16 MiB buffer: a quarter of an hour).
    const huge = compileFilter(`re:${'[a-z]{1000}'.repeat(80)}!`);
    expect(huge).toMatchObject({ ok: false, error: expect.stringMatching(/^bad regular expression .*too large for a filter/) });
    expect(compileFilter('re:[a-z]{1000}[a-z]{1000}!')).toMatchObject({ ok: false });
    // What people filter logs with stays well inside the bound.
    expect(compileFilter('re:(?i)(GET|POST|PUT|DELETE|PATCH) /api/v[0-9]+/(users|orders)/[0-9a-f-]{36} (4|5)[0-9]{2} .*(timeout|refused)')).toMatchObject({ ok: true });
  });

  it('a bad regular expression is a message, not an exception', () => {
    expect(compileFilter('re:(unclosed')).toEqual({ ok: false, error: 'bad regular expression /(unclosed/: Unterminated group' });
    expect(compileFilter('re:')).toMatchObject({ ok: false, error: expect.stringContaining('needs a regular expression') });
    expect(compileFilter('x'.repeat(2000))).toMatchObject({ ok: false });
    // JavaScript takes these; a linear-time engine cannot run them, and says why.
    for (const q of ['re:a(?=b)', 're:a(?!b)', 're:(a)\\1', 're:(?<n>a)\\k<n>']) {
      expect(compileFilter(q), q).toMatchObject({ ok: false, error: expect.stringMatching(/^bad regular expression .*lookaheads and backreferences are not supported/) });
    }
    expect(compileFilter('re:a{2000}')).toMatchObject({ ok: false, error: expect.stringContaining('bad regular expression /a{2000}/') });
    // An escaped backslash before k is not a backreference.
    expect(compileFilter('re:\\\\k<n>')).toMatchObject({ ok: true });
  });

  it('patterns that backtrack exponentially in JavaScript run in time linear in the line', () => {
    // Each of these held the daemon's thread for minutes on one log line with JavaScript's engine
    // (this test would not end); a linear-time engine answers at once.
    const line = `{"level":"info","msg":"request completed","trace_id":"08b3${'a'.repeat(200)}"}`;
    for (const q of ['re:(a+)+$x', 're:(\\w*)*x', 're:(.*a){12}x', 're:(a|a)*x', 're:.*.*.*.*.*.*.*x']) {
      const f = compileFilter(q);
      if (!f || !f.ok) throw new Error(`${q}: ${f && !f.ok ? f.error : 'null'}`);
      expect(f.test(line), q).toBe(false);
    }
    const f = compileFilter('re:(a+)+"');
    expect(f && f.ok && f.test(line)).toBe(true);
  });

  it('lookbehinds and inline flags work; JavaScript escapes and named groups mean what they mean there', () => {
    const f = (q: string) => {
      const c = compileFilter(q);
      if (!c || !c.ok) throw new Error(String(c && !c.ok ? c.error : 'null'));
      return ['GET /health 200', 'POST /orders 500', 'get /cart 404', 'caf\u00e9 ok'].filter((t) => c.test(t));
    };
    expect(f('re:(?<=GET )/\\w+')).toEqual(['GET /health 200']);
    expect(f('re:(?<!GET )/\\w+ \\d')).toEqual(['POST /orders 500', 'get /cart 404']);
    expect(f('re:(?i)^get')).toEqual(['GET /health 200', 'get /cart 404']);
    expect(f('re:caf\\u00e9')).toEqual(['caf\u00e9 ok']);
    expect(f('re:(?<code>[45]\\d\\d)$')).toEqual(['POST /orders 500', 'get /cart 404']);
    expect(f('re:/orders|/cart')).toEqual(['POST /orders 500', 'get /cart 404']);
  });
});

describe('the pane buffer', () => {
  it('interleaves lines of several containers by timestamp, whatever order they arrive in', () => {
    const b = new LogBuffer(100, 1e6);
    b.insert([line(1, 'a1'), line(3, 'a3'), line(5, 'a5')]);
    b.insert([line(2, 'b2', B), line(4, 'b4', B), line(6, 'b6', B)]);
    b.insert([line(3, 'c3 (same second, after a3)', C)]);
    expect(texts(b)).toEqual(['a1', 'b2', 'a3', 'c3 (same second, after a3)', 'b4', 'a5', 'b6']);
  });

  it("keeps one container's lines in the order they came: a line whose node clock stepped back an hour comes after its container's last line, not an hour up", () => {
    const t = 1_700_000_000;
    const b = new LogBuffer(6, 1e6);
    b.insert([line(t + 1, 'a1'), line(t + 3, 'a3')]);
    b.insert([line(t + 2, 'b2', B), line(t + 4, 'b4', B)]);
    // a's node clock is stepped back an hour: its next lines are stamped an hour before the ones above.
    b.insert([line(t - 3600, 'a stepped 1'), line(t - 3599, 'a stepped 2')]);
    // Another container's lines still interleave by timestamp; b's next line is newer than a's last.
    b.insert([line(t + 5, 'b5', B)]);
    // The buffer is full (6 lines): the oldest line goes, not the stepped-back ones (they went at once).
    expect(texts(b)).toEqual(['b2', 'a3', 'a stepped 1', 'a stepped 2', 'b4', 'b5']);
    expect(b.dropped).toBe(1);
    // A line of the pane's own goes after the last line, whatever its timestamp.
    const last = b.lastKey()!;
    b.insert([{ sec: last.sec, nano: last.nano, seq: arrivalSeq(), text: '── a: ended ──', chars: 14, origin: { pod: '', container: '' }, cut: 0, marker: 'info' }]);
    expect(texts(b).at(-1)).toBe('── a: ended ──');
    // Cleared (the pane restarts): a's lines sort by their own timestamps again.
    b.clear();
    b.insert([line(t - 3598, 'a after restart'), line(t + 9, 'b9', B)]);
    expect(texts(b)).toEqual(['a after restart', 'b9']);
  });

  it('drops the oldest lines beyond max_lines and max_bytes and counts them; matches follow', () => {
    const b = new LogBuffer(5, 1e6);
    for (let i = 0; i < 12; i++) b.insert([line(i, `line ${i}`)]);
    expect(b.size).toBe(5);
    expect(b.dropped).toBe(7);
    expect(texts(b)).toEqual(['line 7', 'line 8', 'line 9', 'line 10', 'line 11']);
    const bytes = new LogBuffer(1000, 1000);
    for (let i = 0; i < 100; i++) bytes.insert([line(i, 'x'.repeat(100))]);
    expect(bytes.bytes).toBeLessThanOrEqual(1000);
    expect(bytes.size).toBe(6);
    // The filter's matches shrink with the buffer, with stable absolute indexes.
    const f = new LogBuffer(4, 1e6);
    f.setFilter((l) => l.text.includes('even'));
    for (let i = 0; i < 10; i++) f.insert([line(i, `${i} ${i % 2 ? 'odd' : 'even'}`)]);
    expect(texts(f)).toEqual(['6 even', '8 even']);
    expect(f.matchBase).toBe(3);
    expect(f.match(3)!.text).toBe('6 even');
  });
});

/** A repeatable random integer below `n` (a linear congruential generator). */
function seeded(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
}

describe('the pane buffer against a plain model', () => {
  it('random out-of-order inserts from several sources, filters and bounds: the same lines as merging the streams and cutting a list', () => {
    const rnd = seeded(7);
    for (let round = 0; round < 20; round++) {
      const maxLines = 5 + rnd(200);
      const b = new LogBuffer(maxLines, 1e9);
      // Every line inserted, in order: what the buffer holds is the newest maxLines of their merge.
      const all: LogLine[] = [];
      const wantFilter = rnd(2) === 0;
      const test = (l: LogLine) => l.text.includes('7');
      if (wantFilter) b.setFilter(test);
      for (let i = 0; i < 400; i++) {
        const batch: LogLine[] = [];
        // Timestamps that go back now and then within a stream (a clock stepped back), and batches of several streams.
        const sec = Math.floor(i / 3) - rnd(5);
        for (let k = 0; k < 1 + rnd(3); k++) batch.push(line(sec, `line ${i}.${k}`, [A, B, C][rnd(3)], rnd(3)));
        b.insert(batch);
        all.push(...batch);
        if (i % 50 === 49) {
          const model = mergeStreams(all).slice(-maxLines);
          const want = model.filter((l) => !wantFilter || test(l)).map((l) => l.text);
          expect(texts(b)).toEqual(want);
          expect(b.size).toBe(model.length);
          expect(b.matchEnd - b.matchBase).toBe(want.length);
        }
      }
    }
  });

  it('many lines through a small ring: dropped at the front, merged in across the wrap, grown while wrapped — still the model', () => {
    const rnd = seeded(11);
    for (let round = 0; round < 6; round++) {
      // Around the ring's first sizes (1,024, 2,048): it fills, wraps, and grows with its lines split in two runs.
      const maxLines = 300 + rnd(1500);
      const b = new LogBuffer(maxLines, 1e9);
      const all: LogLine[] = [];
      for (let i = 0; i < 2500; i++) {
        const batch: LogLine[] = [];
        const sec = Math.floor(i / 2) - rnd(4);
        // Now and then a burst bigger than the ring's room: it grows with its lines wrapped.
        const size = i % 300 === 299 ? 200 + rnd(600) : 1 + rnd(4);
        for (let k = 0; k < size; k++) batch.push(line(sec, `line ${i}.${k}`, [A, B, C][rnd(3)], rnd(3)));
        b.insert(batch);
        all.push(...batch);
        if (i % 300 === 299 || i % 250 === 249) {
          const model = mergeStreams(all).slice(-maxLines);
          expect(texts(b)).toEqual(model.map((l) => l.text));
        }
      }
    }
  });
});

describe('scrolling a logs pane', () => {
  const fill = (n: number) => {
    const b = new LogBuffer(1000, 1e6);
    for (let i = 0; i < n; i++) b.insert([line(i, `line ${i}`)]);
    return b;
  };
  const shown = (s: LogScroll, b: LogBuffer, rows = 3, rowsOf: (l: LogLine) => number = () => 1) => s.window(b, rows, rowsOf).map((r) => `${r.line.text}${r.sub ? `#${r.sub}` : ''}`);

  it('follows the newest lines; scrolling up pauses where the view is; G resumes', () => {
    const b = fill(10);
    const s = new LogScroll();
    expect(shown(s, b)).toEqual(['line 7', 'line 8', 'line 9']);
    s.scroll(b, -2);
    expect(s.follow).toBe(false);
    expect(shown(s, b)).toEqual(['line 5', 'line 6', 'line 7']);
    b.insert([line(10, 'line 10')]);
    expect(shown(s, b)).toEqual(['line 5', 'line 6', 'line 7']);
    s.toTop(b);
    expect(shown(s, b)).toEqual(['line 0', 'line 1', 'line 2']);
    s.toBottom();
    expect(shown(s, b)).toEqual(['line 8', 'line 9', 'line 10']);
  });

  it('scrolls sideways by 8 cells, never past where the widest line shown ends at the right edge', () => {
    const s = new LogScroll();
    s.right(20);
    s.right(20);
    expect(s.hscroll).toBe(16);
    s.right(20);
    expect(s.hscroll).toBe(20);
    s.right(20);
    expect(s.hscroll).toBe(20);
    // Shorter lines shown now: no further right, and not pulled back either (left is the way back).
    s.right(4);
    expect(s.hscroll).toBe(20);
    s.left();
    expect(s.hscroll).toBe(12);
    s.right(0);
    expect(s.hscroll).toBe(12);
  });

  it('wraps long lines into rows and scrolls by rows', () => {
    const b = new LogBuffer(1000, 1e6);
    b.insert([line(1, 'short'), line(2, 'long'), line(3, 'end')]);
    const rowsOf = (l: LogLine) => (l.text === 'long' ? 3 : 1);
    const s = new LogScroll();
    s.toggleWrap();
    expect(shown(s, b, 3, rowsOf)).toEqual(['long#1', 'long#2', 'end']);
    s.scroll(b, -2);
    expect(shown(s, b, 3, rowsOf)).toEqual(['short', 'long', 'long#1']);
  });
});

describe('file names', () => {
  it('are KubeTile names with every part sanitised (no path from a pod or context name)', () => {
    const when = new Date(2024, 0, 2, 3, 4, 5);
    expect(logFileName({ context: 'kind-dev', namespace: 'shop', what: 'pod', name: 'web-1', container: 'main', filter: '' }, when, false)).toBe('kind-dev_shop_web-1_20240102-030405.log');
    expect(logFileName({ context: 'arn:aws:eks:eu/prod', namespace: 'ns', what: 'deployment', name: 'api', container: '', filter: '' }, when, true)).toBe('arn_aws_eks_eu_prod_ns_deployment-api_20240102-030405_full.log');
    expect(safePart('../../etc/passwd')).toBe('__.._etc_passwd');
    expect(safePart('..')).toBe('_');
    expect(safePart('')).toBe('_');
  });
});
