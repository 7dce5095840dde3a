// The package stays in parts: no source file grows past 500 lines (issue 14: one job per file).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = new URL('../src/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('source layout', () => {
  it('has no file over 500 lines', () => {
    const long = sourceFiles(src)
      .map((file) => ({
        file: file.slice(src.length),
        lines: readFileSync(file, 'utf8').split('\n').length,
      }))
      .filter(({ lines }) => lines > 500);
    expect(long).toEqual([]);
  });
});
