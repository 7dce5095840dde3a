#!/usr/bin/env node
// Sums vitest's per-package summaries and the runtime suite's summary in test logs (the files
// given, or stdin) into the one plain line CI reads: `tests: N passed, N failed, N skipped`. A
// package tested more than once (on Node 20, 22 and 24) counts once per run; the runtime suite
// (scripts/runtime-suite.mjs) adds its `runtime-suite: N passed, N failed, N skipped` line and the
// README examples (scripts/examples/run.mjs) their `examples: N passed, N failed`, one per example
// and Node version. Exits 1 when no summary is found,
// so a run that executed no test can't pass for a green one. A test file that failed as a whole (it
// did not load, or a suite was empty) counts as one failed test when its package reports no failed
// test, so the line never says "0 failed" for a red run.
import { readFileSync } from 'node:fs';

const sources = process.argv.length > 2 ? process.argv.slice(2) : [0];
const text = sources.map((source) => readFileSync(source, 'utf8')).join('\n');
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

// Per package run (turbo prefixes every line with "<package>:test:"), its tests and its test
// files. vitest prints "Test Files" before "Tests": a second "Test Files" line for a package starts
// its next run.
const runs = [];
const current = new Map();
for (const line of plain.split('\n')) {
  const suite = /^(?:runtime-suite|examples): (\d.+)$/.exec(line.trim());
  if (suite) {
    runs.push({ tests: counts(suite[1].replaceAll(',', '|')), failedFiles: 0 });
    continue;
  }
  const prefix = /^(\S+?):test:/.exec(line)?.[1] ?? '';
  const body = line.replace(/^[^:]*:test:/, '');
  const match = /^\s*(Tests|Test Files)\s+(.+?)\s+\(\d+\)\s*$/.exec(body);
  if (!match) continue;
  let entry = current.get(prefix);
  if (entry === undefined || (match[1] === 'Test Files' && entry.files !== undefined)) {
    entry = { tests: undefined, failedFiles: 0, files: undefined };
    current.set(prefix, entry);
    runs.push(entry);
  }
  if (match[1] === 'Tests') entry.tests = counts(match[2]);
  else {
    entry.files = match[2];
    entry.failedFiles = counts(match[2]).failed;
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let summaries = 0;
for (const { tests, failedFiles } of runs) {
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
