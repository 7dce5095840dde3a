// Number, duration and ANSI helpers shared by the text renderers.
import { graphemeLength } from './graphemes.js';

export interface Colors {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
}

const wrap =
  (open: number, close: number) =>
  (s: string): string =>
    `\x1b[${open}m${s}\x1b[${close}m`;

const identity = (s: string): string => s;

export function colors(enabled: boolean): Colors {
  return enabled
    ? {
        bold: wrap(1, 22),
        dim: wrap(2, 22),
        red: wrap(31, 39),
        green: wrap(32, 39),
        yellow: wrap(33, 39),
        cyan: wrap(36, 39),
      }
    : {
        bold: identity,
        dim: identity,
        red: identity,
        green: identity,
        yellow: identity,
        cyan: identity,
      };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Width of `s` in grapheme clusters, ANSI colour codes left out. */
export function visibleLength(s: string): number {
  return graphemeLength(s.replace(ANSI, ''));
}

export function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleLength(s)));
  return align === 'left' ? s + fill : fill + s;
}

/** Three significant figures, without exponent for everyday magnitudes. */
export function sig(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(0);
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 10) return value.toFixed(2);
  if (abs >= 0.001) return value.toFixed(3);
  return value.toExponential(2);
}

/** A millisecond value on the ns/µs/ms/s scale that keeps it readable (mitata's convention). */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs === 0) return '0 ms';
  if (abs < 1e-3) return `${sig(ms * 1e6)} ns`;
  if (abs < 1) return `${sig(ms * 1e3)} µs`;
  if (abs < 1e3) return `${sig(ms)} ms`;
  return `${sig(ms / 1e3)} s`;
}

/** Formats a value in a comparison's unit. */
export function quantity(value: number, unit: string): string {
  return unit === 'ms' ? duration(value) : `${sig(value)} ${unit}`;
}

export function ratioText(ratio: number, error: number): string {
  return `${ratio.toFixed(2)}× ± ${error.toFixed(2)}`;
}

export function percent(value: number): string {
  return `${value.toFixed(1)}%`;
}

/** A tick label: three significant figures without trailing zeros ("0.5", "20", "1.25"). */
export function tick(value: number): string {
  return sig(value).replace(/\.(\d*?)0+$/, (_m, d: string) => (d === '' ? '' : `.${d}`));
}

/** A duration tick label on the ns/µs/ms/s scale without trailing zeros ("20 ms", "1.5 s"). */
export function tickDuration(ms: number): string {
  const [num = '', unit = ''] = duration(ms).split(' ');
  return `${num.includes('e') ? num : tick(Number(num))} ${unit}`;
}
