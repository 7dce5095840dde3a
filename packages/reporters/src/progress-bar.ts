// Progress bar: a live bar with rate and ETA on a TTY, plain periodic lines elsewhere (CI, pipes).
import { shouldUseColor } from './color.js';
import { ReporterOptionsInvalidError } from './errors.js';
import { colors, type Colors } from './internal/format.js';
import { graphemeLength } from './internal/graphemes.js';
import {
  optionalBoolean,
  optionalEnv,
  optionalFunction,
  optionalStream,
  optionalString,
} from './internal/options.js';

/**
 * Where progress goes: anything with `write`, such as `process.stderr`.
 *
 * @example
 * ```ts
 * import { ProgressBar, type ProgressStream } from '@weft/reporters';
 * const lines: string[] = [];
 * const stream: ProgressStream = { isTTY: false, write: (chunk) => lines.push(chunk) };
 * new ProgressBar({ total: 10, stream }).finish();
 * ```
 */
export interface ProgressStream {
  /**
   * Writes a chunk of text.
   * @param chunk - the text
   * @returns anything (ignored)
   */
  write(chunk: string): unknown;
  /** Whether the stream is an interactive terminal. */
  readonly isTTY?: boolean | undefined;
  /** Terminal width in characters, used to size the live bar (80 when absent). */
  readonly columns?: number | undefined;
}

/**
 * How progress is shown: redrawn in place, or as separate lines.
 *
 * @example
 * ```ts
 * import { ProgressBar, type ProgressMode } from '@weft/reporters';
 * const mode: ProgressMode = new ProgressBar({ total: 10 }).mode; // 'live' on a terminal, 'plain' in CI
 * ```
 */
export type ProgressMode = 'live' | 'plain';

/**
 * Options of {@link ProgressBar}, validated at construction.
 *
 * @example
 * ```ts
 * import { ProgressBar, type ProgressBarOptions } from '@weft/reporters';
 * const options: ProgressBarOptions = { total: 400, label: 'rows', plainIntervalMs: 5000 };
 * const bar = new ProgressBar(options);
 * ```
 */
export interface ProgressBarOptions {
  /** Number of units of work in all (tasks, bytes); a finite number >= 0. */
  readonly total: number;
  /**
   * Text before the bar.
   * @defaultValue `'progress'`
   */
  readonly label?: string;
  /**
   * Where to write; stderr keeps stdout clean for results.
   * @defaultValue `process.stderr`
   */
  readonly stream?: ProgressStream;
  /**
   * Environment consulted for `CI`, `TERM`, `NO_COLOR`, `FORCE_COLOR`.
   * @defaultValue `process.env`
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * `'live'` redraws one line in place; `'plain'` prints a line now and then.
   * @defaultValue `'live'` when the stream is a TTY, `CI` is unset and `TERM` is not `dumb`, else `'plain'`
   */
  readonly mode?: ProgressMode;
  /**
   * Clock in milliseconds; inject one in tests.
   * @defaultValue `performance.now`
   */
  readonly now?: () => number;
  /**
   * Minimum milliseconds between two live redraws.
   * @defaultValue `80`
   */
  readonly liveIntervalMs?: number;
  /**
   * Minimum milliseconds between two plain lines.
   * @defaultValue `2000`
   */
  readonly plainIntervalMs?: number;
  /**
   * Whether to colour the live bar.
   * @defaultValue `shouldUseColor({ stream, env })`
   */
  readonly color?: boolean;
}

function isCI(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

function seconds(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m ${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
}

function nonNegative(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ReporterOptionsInvalidError(
      option,
      `got ${String(value)}; expected a finite number >= 0`,
    );
  }
  return value;
}

/**
 * A progress reporter that picks its form from where it writes: on an interactive terminal a bar
 * redrawn in place with rate and ETA; in CI, in a pipe or with `TERM=dumb` a plain line every
 * couple of seconds and one at the end, so logs stay readable.
 *
 * It never starts a timer: it redraws when told about progress, at most once per interval of
 * the injected clock, so it never keeps a process alive.
 *
 * @example
 * ```ts
 * import { ProgressBar } from '@weft/reporters';
 * using bar = new ProgressBar({ total: tasks.length, label: 'mandelbrot' });
 * for (const task of tasks) {
 *   await run(task);
 *   bar.tick();
 * }
 * ```
 */
export class ProgressBar {
  /** Units of work in all. */
  readonly total: number;
  /** How progress is shown, as decided at construction. */
  readonly mode: ProgressMode;
  readonly #label: string;
  readonly #stream: ProgressStream;
  readonly #now: () => number;
  readonly #interval: number;
  readonly #colors: Colors;
  readonly #startedAt: number;
  #completed = 0;
  #lastDraw = -Infinity;
  #finished = false;

  /**
   * Creates a progress bar and decides, once, whether it is live or plain; nothing is written
   * until the first {@link ProgressBar.tick}, {@link ProgressBar.update} or
   * {@link ProgressBar.finish}.
   *
   * @param options - total, label, stream, mode and clock; every option is checked here
   * @throws {@link ReporterOptionsInvalidError} naming the option when `options` is not an object,
   * `total` or an interval is not a finite number >= 0, `mode` is unknown, `label` is not a string,
   * `stream` has no `write` function, `env` is not an object of strings, `now` is not a function
   * returning a finite number or `color` is not a boolean
   * @example
   * ```ts
   * import { ProgressBar } from '@weft/reporters';
   * const bar = new ProgressBar({ total: 100, label: 'rows', stream: process.stderr });
   * ```
   */
  constructor(options: ProgressBarOptions) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new ReporterOptionsInvalidError(
        'options',
        `got ${String(options)}; expected an object with a total`,
      );
    }
    this.total = nonNegative(options.total, 'total');
    const env = optionalEnv(options.env, 'env') ?? process.env;
    this.#stream = optionalStream(options.stream, 'stream', true) ?? process.stderr;
    if (options.mode !== undefined && options.mode !== 'live' && options.mode !== 'plain') {
      throw new ReporterOptionsInvalidError(
        'mode',
        `got ${String(options.mode)}; expected 'live' or 'plain'`,
      );
    }
    // Both intervals are checked whichever mode is picked: a bad option fails on every machine,
    // not only on the one whose terminal selects it.
    const liveInterval = nonNegative(options.liveIntervalMs ?? 80, 'liveIntervalMs');
    const plainInterval = nonNegative(options.plainIntervalMs ?? 2000, 'plainIntervalMs');
    const label = optionalString(options.label, 'label');
    const now = optionalFunction(options.now, 'now');
    const color = optionalBoolean(options.color, 'color');
    this.mode =
      options.mode ??
      (this.#stream.isTTY === true && !isCI(env) && env['TERM'] !== 'dumb' ? 'live' : 'plain');
    this.#interval = this.mode === 'live' ? liveInterval : plainInterval;
    this.#label = label ?? 'progress';
    this.#now = now ?? (() => performance.now());
    this.#colors = colors(
      this.mode === 'live' && (color ?? shouldUseColor({ stream: this.#stream, env })),
    );
    const startedAt = this.#now();
    if (typeof startedAt !== 'number' || !Number.isFinite(startedAt)) {
      throw new ReporterOptionsInvalidError(
        'now',
        `returned ${String(startedAt)}; expected a clock returning finite milliseconds`,
      );
    }
    this.#startedAt = startedAt;
  }

  /** Units of work done so far. */
  get completed(): number {
    return this.#completed;
  }

  /**
   * Records `n` more units of work done and redraws if the interval has passed.
   *
   * @param n - units done since the last call (default `1`)
   * @throws {@link ReporterOptionsInvalidError} when `n` is negative or not finite
   * @example
   * ```ts
   * import { ProgressBar } from '@weft/reporters';
   * const bar = new ProgressBar({ total: 1000, label: 'bytes' });
   * stream.on('data', (chunk: Buffer) => bar.tick(chunk.length));
   * ```
   */
  tick(n = 1): void {
    this.update(this.#completed + nonNegative(n, 'n'));
  }

  /**
   * Sets the number of units done and redraws if the interval has passed; reaching `total`
   * does not finish the bar (call {@link ProgressBar.finish}).
   *
   * @param completed - units done in all (capped at `total`)
   * @throws {@link ReporterOptionsInvalidError} when `completed` is negative or not finite
   * @example
   * ```ts
   * import { ProgressBar } from '@weft/reporters';
   * const bar = new ProgressBar({ total: files.length, label: 'upload' });
   * uploader.on('progress', (uploaded: number) => bar.update(uploaded));
   * ```
   */
  update(completed: number): void {
    if (this.#finished) return;
    this.#completed = Math.min(this.total, nonNegative(completed, 'completed'));
    const now = this.#now();
    if (now - this.#lastDraw >= this.#interval) {
      this.#lastDraw = now;
      this.#draw(now, false);
    }
  }

  /**
   * Draws the final state and ends the line; later calls do nothing.
   *
   * @example
   * ```ts
   * import { ProgressBar } from '@weft/reporters';
   * const bar = new ProgressBar({ total: tasks.length });
   * try {
   *   for (const task of tasks) await run(task).then(() => bar.tick());
   * } finally {
   *   bar.finish();
   * }
   * ```
   */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#draw(this.#now(), true);
    if (this.mode === 'live') this.#stream.write('\n');
  }

  /**
   * Finishes the bar, so `using bar = new ProgressBar(...)` always leaves a clean line.
   *
   * @example
   * ```ts
   * import { ProgressBar } from '@weft/reporters';
   * {
   *   using bar = new ProgressBar({ total: 3 });
   *   bar.tick(3);
   * } // the bar is finished here, even if the block throws
   * ```
   */
  [Symbol.dispose](): void {
    this.finish();
  }

  #draw(now: number, final: boolean): void {
    const elapsed = Math.max(0, now - this.#startedAt);
    const done = this.#completed;
    const fraction = this.total === 0 ? 1 : done / this.total;
    const pct = `${Math.floor(fraction * 100)}%`;
    const rate = elapsed > 0 ? (done / elapsed) * 1000 : 0;
    const rateText = `${rate >= 100 ? rate.toFixed(0) : rate.toFixed(1)}/s`;
    const tail = final
      ? `in ${seconds(elapsed)}`
      : rate > 0
        ? `ETA ${seconds(((this.total - done) / rate) * 1000)}`
        : 'ETA --';
    const counts = `${done}/${this.total}`;
    if (this.mode === 'plain') {
      this.#stream.write(`${this.#label}: ${counts} (${pct}) ${rateText} ${tail}\n`);
      return;
    }
    const c = this.#colors;
    const text = `${counts} ${pct.padStart(4)} ${rateText} ${tail}`;
    const columns = this.#stream.columns ?? 80;
    const barWidth = Math.max(
      10,
      Math.min(40, columns - graphemeLength(this.#label) - text.length - 5),
    );
    const filled = Math.round(fraction * barWidth);
    const bar = c.green('#'.repeat(filled)) + c.dim('-'.repeat(barWidth - filled));
    this.#stream.write(`\r${c.bold(this.#label)} [${bar}] ${text}\x1b[K`);
  }
}
