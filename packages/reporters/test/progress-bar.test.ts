import { describe, expect, it } from 'vitest';
import { ProgressBar, ReporterOptionsInvalidError, type ProgressStream } from '@weft/reporters';

class FakeStream implements ProgressStream {
  readonly chunks: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 80,
  ) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('ProgressBar', () => {
  describe('mode', () => {
    it.each<[string, boolean, Record<string, string>, 'live' | 'plain']>([
      ['is live on a TTY', true, {}, 'live'],
      ['is plain when not a TTY', false, {}, 'plain'],
      ['is plain on a TTY under CI', true, { CI: 'true' }, 'plain'],
      ['is live on a TTY when CI=false', true, { CI: 'false' }, 'live'],
      ['is plain when TERM is dumb', true, { TERM: 'dumb' }, 'plain'],
    ])('%s', (_name, isTTY, env, mode) => {
      expect(new ProgressBar({ total: 1, stream: new FakeStream(isTTY), env }).mode).toBe(mode);
    });
  });

  describe('live', () => {
    it('redraws one line in place with counts, percentage, rate and ETA', () => {
      const stream = new FakeStream(true);
      const c = clock();
      const bar = new ProgressBar({
        total: 100,
        label: 'tasks',
        stream,
        env: {},
        now: c.now,
        color: false,
      });
      c.advance(1000);
      bar.update(25);
      expect(stream.chunks).toHaveLength(1);
      expect(JSON.stringify(stream.chunks[0])).toMatchSnapshot(); // escaped: no raw CR in the snapshot file
      expect(stream.chunks[0]!.startsWith('\rtasks [')).toBe(true);
      expect(stream.chunks[0]!.endsWith('] 25/100  25% 25.0/s ETA 3.0s\x1b[K')).toBe(true);
    });

    it('redraws at most once per interval of the injected clock', () => {
      const stream = new FakeStream(true);
      const c = clock();
      const bar = new ProgressBar({ total: 100, stream, env: {}, now: c.now, liveIntervalMs: 100 });
      bar.tick();
      bar.tick();
      c.advance(50);
      bar.tick();
      expect(stream.chunks).toHaveLength(1);
      c.advance(50);
      bar.tick();
      expect(stream.chunks).toHaveLength(2);
      expect(bar.completed).toBe(4);
    });

    it('ends with the final state and a newline on finish, once', () => {
      const stream = new FakeStream(true);
      const c = clock();
      const bar = new ProgressBar({ total: 10, stream, env: {}, now: c.now, color: false });
      c.advance(2000);
      bar.update(10);
      bar.finish();
      bar.finish();
      bar.tick();
      expect(stream.chunks.at(-1)).toBe('\n');
      expect(stream.chunks.at(-2)).toContain('10/10 100% 5.0/s in 2.0s');
      expect(stream.chunks.filter((x) => x === '\n')).toHaveLength(1);
    });

    it('colours the bar only when allowed', () => {
      const colored = new FakeStream(true);
      new ProgressBar({ total: 2, stream: colored, env: { FORCE_COLOR: '1' } }).tick();
      const plain = new FakeStream(true);
      new ProgressBar({ total: 2, stream: plain, env: { NO_COLOR: '1' } }).tick();
      expect(colored.text).toContain('\x1b[32m');
      expect(plain.text).not.toContain('\x1b[32m');
    });

    it('finishes when disposed', () => {
      const stream = new FakeStream(true);
      {
        using bar = new ProgressBar({ total: 3, stream, env: {} });
        bar.tick(3);
      }
      expect(stream.chunks.at(-1)).toBe('\n');
    });
  });

  describe('plain', () => {
    it('prints a line at most every plainIntervalMs and a final one, without escape codes', () => {
      const stream = new FakeStream(false);
      const c = clock();
      const bar = new ProgressBar({
        total: 4,
        label: 'rows',
        stream,
        env: {},
        now: c.now,
        plainIntervalMs: 1000,
      });
      c.advance(500);
      bar.tick();
      c.advance(200);
      bar.tick();
      c.advance(1000);
      bar.tick();
      c.advance(300);
      bar.tick();
      bar.finish();
      expect(stream.text).toMatchSnapshot();
      expect(stream.chunks).toEqual([
        'rows: 1/4 (25%) 2.0/s ETA 1.5s\n',
        'rows: 3/4 (75%) 1.8/s ETA 0.6s\n',
        'rows: 4/4 (100%) 2.0/s in 2.0s\n',
      ]);
    });
  });

  describe('options', () => {
    it.each<[string, unknown, string]>([
      ['a negative total', { total: -1 }, 'total'],
      ['a NaN total', { total: Number.NaN }, 'total'],
      ['an unknown mode', { total: 1, mode: 'fancy' }, 'mode'],
      ['a negative interval', { total: 1, mode: 'plain', plainIntervalMs: -5 }, 'plainIntervalMs'],
      [
        'a bad interval of the mode not picked',
        { total: 1, mode: 'plain', liveIntervalMs: Number.NaN },
        'liveIntervalMs',
      ],
      ['a label that is not a string', { total: 1, label: 42 }, 'label'],
      ['a stream without write()', { total: 1, stream: { isTTY: true } }, 'stream.write'],
      [
        'a stream whose isTTY is not a boolean',
        { total: 1, stream: { write() {}, isTTY: 'yes' } },
        'stream.isTTY',
      ],
      ['an env that is not an object', { total: 1, env: 'CI=1' }, 'env'],
      ['an env value that is not a string', { total: 1, env: { CI: 1 } }, 'env.CI'],
      ['a clock that is not a function', { total: 1, now: 5 }, 'now'],
      ['a clock returning NaN', { total: 1, now: () => Number.NaN }, 'now'],
      ['a colour flag that is not a boolean', { total: 1, color: 'yes' }, 'color'],
      ['options that are not an object', null, 'options'],
    ])('rejects %s at construction', (_name, options, option) => {
      expect(() => new ProgressBar(options as never)).toThrow(ReporterOptionsInvalidError);
      expect(() => new ProgressBar(options as never)).toThrow(
        expect.objectContaining({ option, code: 'ERR_WEFT_REPORTER_OPTIONS_INVALID' }),
      );
    });

    it('rejects a negative tick', () => {
      const bar = new ProgressBar({ total: 1, stream: new FakeStream(false), env: {} });
      expect(() => bar.tick(-1)).toThrow(expect.objectContaining({ option: 'n' }));
    });
  });
});
