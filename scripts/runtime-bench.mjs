#!/usr/bin/env node
// What each runtime gives: @weft/process-pool's tiny-task throughput and round trip, and the
// @weft/sync-primitives Mutex race, on Node 20 (the machine's), Node 22, Node 24, Bun and Deno.
// Rounds are interleaved (every runtime runs every case once per round, in a rotating order), so
// load on the machine falls on all of them alike. Prints medians, ranges and the ratio to the
// machine's Node, and writes tests/runtime-suite/results/runtime-bench.json.
//
//   node scripts/runtime-bench.mjs [--rounds 5] [--runtime bun ...] [--write-readme]
// --write-readme puts the table into the root README, between its runtime-bench markers.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureRuntimes, runtimes } from './runtimes.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suite = join(root, 'tests/runtime-suite');
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    runtime: { type: 'string', multiple: true },
    'write-readme': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`runtime-bench: --rounds takes a whole number ≥ 1, got ${values.rounds}`);
  process.exit(2);
}
const cases = [
  { id: 'throughput', title: 'pool: tiny tasks, 2 threads', higherIsBetter: true },
  { id: 'round-trip', title: 'pool: sequential round trip, 1 thread', higherIsBetter: false },
  { id: 'mutex-race', title: 'Mutex: 2 threads racing, per lock+unlock', higherIsBetter: false },
];
ensureRuntimes();
const chosen = runtimes.filter((r) => (values.runtime ?? runtimes.map((x) => x.id)).includes(r.id));
const labels = new Map(chosen.map((r) => [r.id, `${r.label} ${r.version()}`]));

/** @type {Map<string, number[]>} samples per "runtime|case" */
const samples = new Map();
let unit = {};
for (let round = 0; round < rounds; round++) {
  // Rotate the order each round, so no runtime always runs first (or right after another).
  const order = chosen.map((_, i) => chosen[(i + round) % chosen.length]);
  for (const runtime of order) {
    for (const { id } of cases) {
      const [command, ...prefix] = runtime.command;
      const out = execFileSync(command, [...prefix, 'bench/measure.mjs', id], {
        cwd: suite,
        encoding: 'utf8',
        env: { ...process.env, ...runtime.env },
        timeout: 120_000,
      });
      const { value, unit: u } = JSON.parse(out.trim().split('\n').at(-1));
      unit = { ...unit, [id]: u };
      const key = `${runtime.id}|${id}`;
      samples.set(key, [...(samples.get(key) ?? []), value]);
    }
  }
  process.stderr.write(`runtime-bench: round ${round + 1} of ${rounds} done\n`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmt = (x) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));
const base = chosen[0].id;
const results = [];
const lines = [
  `| case | runtime | median | range | vs ${labels.get(base)} |`,
  '| --- | --- | ---: | ---: | ---: |',
];
for (const c of cases) {
  const baseMedian = median(samples.get(`${base}|${c.id}`));
  for (const runtime of chosen) {
    const xs = samples.get(`${runtime.id}|${c.id}`);
    const m = median(xs);
    // Ratio > 1 always means "better than the baseline", whichever way the unit points.
    const ratio = c.higherIsBetter ? m / baseMedian : baseMedian / m;
    results.push({
      case: c.id,
      runtime: labels.get(runtime.id),
      unit: unit[c.id],
      median: m,
      samples: xs,
      ratio,
    });
    lines.push(
      `| ${c.title} | ${labels.get(runtime.id)} | ${fmt(m)} ${unit[c.id]} | ${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))} | ${ratio.toFixed(2)}× |`,
    );
  }
}
const machine = `${cpus().length} vCPU ${cpus()[0]?.model ?? ''}`.trim();
console.log(lines.join('\n'));
console.log(
  `\n${rounds} interleaved rounds, ${new Date().toISOString().slice(0, 10)}, ${machine}.`,
);
console.log('Ratios: above 1× is better than the baseline (more tasks/s, fewer µs or ns).');
mkdirSync(join(suite, 'results'), { recursive: true });
writeFileSync(
  join(suite, 'results/runtime-bench.json'),
  `${JSON.stringify({ machine, rounds, results }, null, 2)}\n`,
);
