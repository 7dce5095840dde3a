// Plain-text output helpers shared by the experiments: headings, wrapped explanations, tables.
import type { Writable } from 'node:stream';
import { median } from './measure.js';

const WIDTH = 88;

export function wrap(text: string, width = WIDTH, indent = ''): string {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = indent;
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line.length > indent.length && line.length + 1 + word.length > width) {
        lines.push(line);
        line = indent;
      }
      line += (line.length > indent.length ? ' ' : '') + word;
    }
    lines.push(line);
  }
  return lines.join('\n');
}

export class Printer {
  readonly #out: Writable;

  constructor(out: Writable) {
    this.#out = out;
  }

  heading(text: string): void {
    this.#out.write(`\n${text}\n${'─'.repeat(Math.min(WIDTH, text.length))}\n`);
  }

  line(text = ''): void {
    this.#out.write(`${text}\n`);
  }

  /** A short plain explanation of why the figures look as they do. */
  why(text: string): void {
    this.#out.write(`${wrap(text, WIDTH, '  ')}\n`);
  }

  table(header: readonly string[], rows: readonly (readonly string[])[]): void {
    const widths = header.map((h, i) =>
      Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)),
    );
    const fmt = (cells: readonly string[]): string =>
      cells
        .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join('  ');
    this.line(fmt(header));
    this.line(widths.map((w) => '─'.repeat(w)).join('  '));
    for (const row of rows) this.line(fmt(row));
  }
}

export function ms(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 10) return `${value.toFixed(0)} ms`;
  return `${value.toFixed(1)} ms`;
}

/** `310 ms (290 ms–340 ms)`: a median with its range, or just the time for one sample. */
export function spreadText(samples: readonly number[]): string {
  const med = ms(median(samples));
  return samples.length < 2
    ? med
    : `${med} (${ms(Math.min(...samples))}–${ms(Math.max(...samples))})`;
}
