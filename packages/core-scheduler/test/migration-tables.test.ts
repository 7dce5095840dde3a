// The p-queue and Bottleneck migration tables are in the README and in the guide
// docs/guides/coming-from-p-queue-and-bottleneck.md: the two copies must not drift apart.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const guide = readFileSync(
  new URL('../../../docs/guides/coming-from-p-queue-and-bottleneck.md', import.meta.url),
  'utf8',
);

/** The rows of every table whose first header cell starts with `library`, cells trimmed. */
function table(markdown: string, library: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${library}`));
  if (start === -1) return [];
  const rows: string[][] = [];
  for (let i = start; i < lines.length && lines[i]!.startsWith('|'); i++) {
    const cells = lines[i]!.split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (!cells.every((cell) => /^-+$/.test(cell))) rows.push(cells);
  }
  return rows;
}

describe('migration tables', () => {
  it.each(['p-queue 9', 'Bottleneck 2'])(
    'the %s table is the same in the README and the guide',
    (library) => {
      const inReadme = table(readme, library);
      expect(inReadme.length).toBeGreaterThan(20);
      expect(table(guide, library)).toEqual(inReadme);
    },
  );
});
