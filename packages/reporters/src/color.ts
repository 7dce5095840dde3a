// Colour decision: colour only on a TTY, never under NO_COLOR, FORCE_COLOR honoured; injectable.
import { optionalEnv, optionalStream, optionsObject } from './internal/options.js';

/**
 * Inputs of the colour decision; every field defaults to the real process.
 *
 * @example
 * ```ts
 * import { shouldUseColor, type ColorOptions } from '@weft/reporters';
 * const options: ColorOptions = { stream: process.stderr, env: process.env };
 * const color = shouldUseColor(options);
 * ```
 */
export interface ColorOptions {
  /**
   * The stream output goes to; only its `isTTY` is read.
   * @defaultValue `process.stdout`
   */
  readonly stream?: {
    /** Whether the stream is an interactive terminal. */
    readonly isTTY?: boolean | undefined;
  };
  /**
   * Environment variables to read (`NO_COLOR`, `FORCE_COLOR`, `TERM`).
   * @defaultValue `process.env`
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Decides whether to colour output, following the conventions of no-color.org and Node.js.
 *
 * In order: a non-empty `NO_COLOR` means no colour, whatever else is set; `FORCE_COLOR` set to
 * `0` or `false` means no colour, set to anything else means colour even when piped; otherwise
 * colour only when the stream is a TTY and `TERM` is not `dumb`.
 *
 * @param options - the stream and environment to decide for
 * @returns whether ANSI colours should be written
 * @throws {@link ReporterOptionsInvalidError} when `options`, `stream` or `env` is not an object
 * of the documented shape
 * @example
 * ```ts
 * import { shouldUseColor } from '@weft/reporters';
 * shouldUseColor({ stream: { isTTY: true }, env: { NO_COLOR: '1' } }); // false
 * shouldUseColor({ stream: { isTTY: false }, env: { FORCE_COLOR: '1' } }); // true
 * ```
 */
export function shouldUseColor(options: ColorOptions = {}): boolean {
  const o = optionsObject(options);
  const env = optionalEnv(o.env, 'env') ?? process.env;
  const stream = optionalStream(o.stream, 'stream', false) ?? process.stdout;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}
