// CPU time per tiny task on each side of the process-worker channel: the pool's process, and its
// two worker processes together. Unlike tasks/s, CPU per task hardly moves when other programs
// load the machine, so it is the figure to compare builds by on a busy machine (same run,
// interleaved). Each build is measured in a fresh Node process; a worker's CPU is read from
// /proc/<pid>/stat (Linux only; 10 ms ticks, so a figure is exact to 10 ms ÷ n per task).
// Usage: node bench/process-cost.mjs [--n 30000] [--rounds 5] [--build <dist dir>]...
//   --build  a built copy of the package (its dist directory) to measure; several are measured
//            in turns, round by round (default: this package's dist)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { fmt, markdown, median, range } from './lib/stats.mjs';

const here = fileURLToPath(import.meta.url);
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '30000' },
    rounds: { type: 'string', default: '5' },
    build: { type: 'string', multiple: true },
    measure: { type: 'string' },
  },
});
const n = Number(values.n);
const TICK_US = 10_000; // USER_HZ is 100 on Linux

/** CPU µs used so far by this process's children (the pool's workers). */
function workersCpuUs() {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Fields after "(comm)": state ppid … utime (12th) stime (13th).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === process.pid)
      total += (Number(fields[11]) + Number(fields[12])) * TICK_US;
  }
  return total;
}

/** One build, in this process: a warm-up burst, then bursts of n tiny tasks on 2 process workers. */
async function measure(dist) {
  const { Pool } = await import(pathToFileURL(`${dist}/index.js`).href);
  const tasksUrl = new URL('./tasks.mjs', import.meta.url);
  const tasks = await import(tasksUrl.href);
  const pool = new Pool({ module: tasksUrl, kind: 'process', maxWorkers: 2, minWorkers: 2 });
  await pool.ready();
  const samples = [];
  for (let burst = 0; burst < 3; burst++) {
    const workers0 = workersCpuUs();
    const pool0 = process.cpuUsage();
    const t0 = performance.now();
    const calls = new Array(n);
    for (let i = 0; i < n; i++) calls[i] = pool.apply(tasks.noop, [i]);
    await Promise.all(calls);
    const ms = performance.now() - t0;
    const own = process.cpuUsage(pool0);
    const sample = {
      rate: (n / ms) * 1000,
      pool: (own.user + own.system) / n,
      workers: (workersCpuUs() - workers0) / n,
    };
    if (burst > 0) samples.push(sample); // the first burst warms up
  }
  await pool.terminate();
  process.stdout.write(JSON.stringify(samples));
}

if (values.measure !== undefined) {
  await measure(values.measure);
} else {
  const builds = values.build ?? [fileURLToPath(new URL('../dist', import.meta.url))];
  const byBuild = new Map(builds.map((b) => [b, []]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
      const out = execFileSync(process.execPath, [here, '--measure', build, '--n', String(n)], {
        encoding: 'utf8',
      });
      byBuild.get(build).push(...JSON.parse(out));
      process.stderr.write(`round ${round + 1}: ${build}\n`);
    }
  }
  const col = (samples, f) => {
    const [lo, hi] = range(samples.map(f));
    return `${fmt(median(samples.map(f)))} (${fmt(lo)}–${fmt(hi)})`;
  };
  console.log(
    `${n.toLocaleString('en-US')} tiny tasks per burst, 2 process workers: CPU µs per task, median (range)\n`,
  );
  console.log(
    markdown(
      ['build', 'tasks/s', 'pool process', 'worker processes', 'total'],
      [...byBuild].map(([build, s]) => [
        build,
        fmt(median(s.map((x) => x.rate))),
        col(s, (x) => x.pool),
        col(s, (x) => x.workers),
        col(s, (x) => x.pool + x.workers),
      ]),
    ),
  );
}
