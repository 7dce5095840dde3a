#!/usr/bin/env node
// Sums vitest's per-package summaries in a test log (read from the file given, or stdin) into the
// one plain line CI reads: `tests: N passed, N failed, N skipped`. Exits 1 when no summary is found,
// so a run that executed no test can't pass for a green one. A test file that failed as a whole (it
// did not load, or a suite was empty) counts as one failed test when its package reports no failed
// test, so the line never says "0 failed" for a red run.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2] ?? 0, 'utf8');
// eslint-disable-next-line no-control-regex
const plain = text.replace(/\u001b\[[0-9;]*m/g, '');

/** Counts from one "Tests …" or "Test Files …" summary: "3 failed | 40 passed | 2 skipped (45)". */
function counts(summary) {
  const found = { passed: 0, failed: 0, skipped: 0 };
  for (const part of summary.split('|')) {
    const m = /(\d+)\s+(passed|failed|skipped|todo)/.exec(part);
    if (m) found[m[2] === 'todo' ? 'skipped' : m[2]] += Number(m[1]);
  }
  return found;
}

// Per package (turbo prefixes every line with "<package>:test:"), its tests and its test files.
const packages = new Map();
for (const line of plain.split('\n')) {
  const prefix = /^(\S+?):test:/.exec(line)?.[1] ?? '';
  const body = line.replace(/^[^:]*:test:/, '');
  const match = /^\s*(Tests|Test Files)\s+(.+?)\s+\(\d+\)\s*$/.exec(body);
  if (!match) continue;
  const entry = packages.get(prefix) ?? { tests: undefined, failedFiles: 0 };
  if (match[1] === 'Tests') entry.tests = counts(match[2]);
  else entry.failedFiles = counts(match[2]).failed;
  packages.set(prefix, entry);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let summaries = 0;
for (const { tests, failedFiles } of packages.values()) {
  if (tests === undefined) {
    totals.failed += failedFiles;
    continue;
  }
  summaries += 1;
  totals.passed += tests.passed;
  totals.skipped += tests.skipped;
  totals.failed += tests.failed > 0 ? tests.failed : failedFiles;
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (summaries === 0) {
  console.error('test-totals: no vitest summary found in the log');
  process.exit(1);
}
