// Small statistics and formatting helpers of the benchmark.

export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const range = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x));
  return s.length === 0 ? [NaN, NaN] : [Math.min(...s), Math.max(...s)];
};

/** Nearest-rank percentile of `xs` (0 < p <= 1). */
export const percentile = (xs, p) => {
  const s = Float64Array.from(xs).sort();
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};

/** A figure with a sensible number of digits for a table. */
export const fmt = (x) => {
  if (!Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
};

export const fmtRatio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a');

/**
 * A markdown table: `head` is a list of column titles, `rows` lists of cells; the first column
 * aligns left, the others (figures) right. Columns are padded as prettier pads them, so the table
 * can go into the README as printed.
 */
export function markdown(head, rows) {
  const all = [head, ...rows].map((r) => r.map(String));
  const widths = head.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const cell = (text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]));
  const line = (r) => `| ${r.map(cell).join(' | ')} |`;
  const align = widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`));
  return [line(all[0]), `| ${align.join(' | ')} |`, ...all.slice(1).map(line)].join('\n');
}
