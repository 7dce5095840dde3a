#!/usr/bin/env node
// Sums vitest's per-package summaries in a test log (read from the file given, or stdin) into the
// one plain line CI reads: `tests: N passed, N failed, N skipped`. Exits 1 when no summary is found,
// so a run that executed no test can't pass for a green one.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2] ?? 0, 'utf8');
// eslint-disable-next-line no-control-regex
const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
let summaries = 0;
for (const line of plain.split('\n')) {
  // "@weft/x:test:       Tests  3 failed | 40 passed | 2 skipped (45)"
  const match = /^(?:\S+:\s*)?\s*Tests\s+(.+?)\s+\(\d+\)\s*$/.exec(
    line.replace(/^[^:]*:test:/, ''),
  );
  if (!match) continue;
  summaries += 1;
  for (const part of match[1].split('|')) {
    const m = /(\d+)\s+(passed|failed|skipped|todo)/.exec(part);
    if (!m) continue;
    const key = m[2] === 'todo' ? 'skipped' : m[2];
    totals[key] += Number(m[1]);
  }
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (summaries === 0) {
  console.error('test-totals: no vitest summary found in the log');
  process.exit(1);
}
