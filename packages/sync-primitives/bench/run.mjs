// Benchmarks of @weft/sync-primitives against the anchors (async-mutex 0.5, async-sema 3) and
// bare Atomics, all in one run. Prints a table with ratios and writes bench/results/latest.json.
// `node bench/run.mjs --quick` (or BENCH_QUICK=1) runs smaller sizes in well under a minute.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import {
  Barrier,
  Mutex,
  Semaphore,
  ReadWriteLock,
  AsyncMutex,
  AsyncSemaphore,
} from '@weft/sync-primitives';
import { Mutex as AsyncMutexESM } from 'async-mutex';
import { Sema } from 'async-sema';

const require = createRequire(import.meta.url);
const {
  Mutex: AsyncMutexCJS,
  tryAcquire: amTryAcquireCJS,
  withTimeout: amWithTimeoutCJS,
} = require('async-mutex');

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const RACE = quick ? 200_000 : 1_000_000;
const UNCONTENDED = quick ? 2_000_000 : 10_000_000;
const ASYNC_OPS = quick ? 200_000 : 1_000_000;
const HANDOFF_WAITERS = 100;
const HANDOFF_ROUNDS = quick ? 500 : 2_000;
const REPEATS = quick ? 3 : 5;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Two threads, started together at a Barrier; returns the slower thread's ms and the counter. */
async function twoThreads(mode, iterations, lock) {
  const cells = new SharedArrayBuffer(64);
  const start = new Barrier(2);
  const workers = [0, 1].map(
    () =>
      new Worker(new URL('./race-worker.mjs', import.meta.url), {
        workerData: { mode, iterations, cells, start: start.toHandle(), lock: lock?.toHandle() },
      }),
  );
  try {
    const times = await Promise.all(
      workers.map(
        (w) =>
          new Promise((resolve, reject) => {
            w.once('message', resolve);
            w.once('error', reject);
          }),
      ),
    );
    return { ms: Math.max(...times), count: new Int32Array(cells)[0] };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

async function bestOf(fn) {
  const runs = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await fn());
  return runs;
}

const rows = [];
function row(group, name, value, unit, baseline, note = '') {
  rows.push({
    group,
    name,
    value,
    unit,
    ratio: baseline === undefined ? undefined : value / baseline,
    note,
  });
}

// 1. The classic race.
{
  const expected = 2 * RACE;
  const results = {};
  for (const [mode, make] of [
    ['unprotected', () => undefined],
    ['atomics', () => undefined],
    ['bare-spinlock', () => undefined],
    ['mutex-scoped', () => new Mutex()],
    ['mutex-manual', () => new Mutex()],
    ['mutex-withlock', () => new Mutex()],
  ]) {
    const runs = await bestOf(() => twoThreads(mode, RACE, make()));
    results[mode] = {
      ms: median(runs.map((r) => r.ms)),
      lost: median(runs.map((r) => expected - r.count)),
      maxLost: Math.max(...runs.map((r) => expected - r.count)),
    };
  }
  const base = results.atomics.ms;
  const label = `2 threads × ${RACE.toLocaleString('en')} increments`;
  row(
    label,
    'unprotected (wrong)',
    results.unprotected.ms,
    'ms',
    base,
    `lost ${results.unprotected.lost.toLocaleString('en')} (median), up to ${results.unprotected.maxLost.toLocaleString('en')} of ${expected.toLocaleString('en')} updates`,
  );
  row(label, 'Atomics.add', results.atomics.ms, 'ms', base, 'baseline');
  row(
    label,
    'bare spinlock (compareExchange + store)',
    results['bare-spinlock'].ms,
    'ms',
    base,
    `the floor of any lock; lost ${results['bare-spinlock'].maxLost}`,
  );
  row(
    label,
    'Mutex scoped (lock() + dispose)',
    results['mutex-scoped'].ms,
    'ms',
    base,
    `lost ${results['mutex-scoped'].maxLost}`,
  );
  row(
    label,
    'Mutex manual (acquire/release)',
    results['mutex-manual'].ms,
    'ms',
    base,
    `lost ${results['mutex-manual'].maxLost}`,
  );
  row(
    label,
    'Mutex withLock(fn)',
    results['mutex-withlock'].ms,
    'ms',
    base,
    `lost ${results['mutex-withlock'].maxLost}`,
  );
}

// 2. Uncontended lock+unlock on one thread.
{
  const n = UNCONTENDED;
  const i32 = new Int32Array(new SharedArrayBuffer(16));
  const bare = () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      Atomics.compareExchange(i32, 0, 0, 1);
      Atomics.sub(i32, 0, 1);
    }
    return ((performance.now() - t0) * 1e6) / n;
  };
  const mutex = new Mutex();
  const manual = () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      mutex.acquire();
      mutex.release();
    }
    return ((performance.now() - t0) * 1e6) / n;
  };
  const tryLock = () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      mutex.tryAcquire();
      mutex.release();
    }
    return ((performance.now() - t0) * 1e6) / n;
  };
  const scoped = () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const g = mutex.lock();
      g[Symbol.dispose]();
    }
    return ((performance.now() - t0) * 1e6) / n;
  };
  for (let w = 0; w < 2; w++) (bare(), manual(), tryLock(), scoped()); // warm up
  const b = median(await bestOf(bare));
  const label = 'uncontended lock+unlock, 1 thread';
  row(label, 'bare compareExchange + sub', b, 'ns/op', b, 'baseline');
  row(label, 'Mutex acquire() + release()', median(await bestOf(manual)), 'ns/op', b);
  row(label, 'Mutex tryAcquire() + release()', median(await bestOf(tryLock)), 'ns/op', b);
  row(label, 'Mutex lock() + dispose', median(await bestOf(scoped)), 'ns/op', b);
}

// 3. Event-loop locks: uncontended acquire+release, and handoff to 100 waiters.
{
  const n = ASYNC_OPS;
  const contenders = {
    'async-mutex 0.5 (ESM entry)': () => {
      const m = new AsyncMutexESM();
      return async () => {
        const release = await m.acquire();
        release();
      };
    },
    'async-mutex 0.5 (CJS entry)': () => {
      const m = new AsyncMutexCJS();
      return async () => {
        const release = await m.acquire();
        release();
      };
    },
    'async-sema 3 (Sema(1))': () => {
      const s = new Sema(1);
      return async () => {
        await s.acquire();
        s.release();
      };
    },
    'Weft AsyncMutex': () => {
      const m = new AsyncMutex();
      return async () => {
        await m.acquire();
        m.release();
      };
    },
    'Weft AsyncSemaphore(1)': () => {
      const s = new AsyncSemaphore(1);
      return async () => {
        await s.acquire();
        s.release();
      };
    },
  };
  const uncontended = async (make) => {
    const op = make();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await op();
    return ((performance.now() - t0) * 1e6) / n;
  };
  const handoff = async (make) => {
    const op = make();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: HANDOFF_WAITERS }, async () => {
        for (let r = 0; r < HANDOFF_ROUNDS; r++) await op();
      }),
    );
    return ((performance.now() - t0) * 1e6) / (HANDOFF_WAITERS * HANDOFF_ROUNDS);
  };
  for (const make of Object.values(contenders)) (await uncontended(make), await handoff(make)); // warm up
  const u = {};
  const h = {};
  for (const [name, make] of Object.entries(contenders)) {
    u[name] = median(await bestOf(() => uncontended(make)));
    h[name] = median(await bestOf(() => handoff(make)));
  }
  const base = 'async-mutex 0.5 (CJS entry)';
  const label1 = 'event loop: uncontended await acquire() + release()';
  for (const name of Object.keys(contenders))
    row(label1, name, u[name], 'ns/op', u[base], name === base ? 'baseline' : '');
  const label2 = `event loop: handoff among ${HANDOFF_WAITERS} waiters`;
  for (const name of Object.keys(contenders))
    row(label2, name, h[name], 'ns/op', h[base], name === base ? 'baseline' : '');
}

// 3b. Event-loop locks: a failed try-acquire, and the next acquirer after 1000 timed-out waiters.
{
  const n = quick ? 20_000 : 100_000;
  const label = 'event loop: failed try-acquire of a held lock';
  const amTry = async () => {
    const m = new AsyncMutexCJS();
    await m.acquire();
    const tryer = amTryAcquireCJS(m);
    const tries = quick ? 20 : 100; // each failure takes a timer turn (≈1 ms)
    const t0 = performance.now();
    for (let i = 0; i < tries; i++) {
      try {
        await tryer.acquire();
      } catch {
        // E_ALREADY_LOCKED: the expected failure
      }
    }
    return ((performance.now() - t0) * 1e6) / tries;
  };
  const semaTry = () => {
    const s = new Sema(1);
    s.tryAcquire();
    const t0 = performance.now();
    for (let i = 0; i < n * 10; i++) s.tryAcquire();
    return ((performance.now() - t0) * 1e6) / (n * 10);
  };
  const weftTry = () => {
    const m = new AsyncMutex();
    m.tryAcquire();
    const t0 = performance.now();
    for (let i = 0; i < n * 10; i++) m.tryAcquire();
    return ((performance.now() - t0) * 1e6) / (n * 10);
  };
  const a = median(await bestOf(amTry));
  row(
    label,
    'async-mutex 0.5 tryAcquire(mutex).acquire() (async reject)',
    a,
    'ns/op',
    a,
    'baseline',
  );
  row(label, 'async-sema 3 tryAcquire() (sync)', median(await bestOf(semaTry)), 'ns/op', a);
  row(label, 'Weft AsyncMutex tryAcquire() (sync)', median(await bestOf(weftTry)), 'ns/op', a);

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const afterTimeouts = async (make) => {
    const { acquire, release } = make();
    await acquire();
    const doomed = Array.from({ length: 1000 }, () => acquire(1).catch(() => false));
    await Promise.all(doomed); // every one of them timed out
    await sleep(5);
    const next = acquire();
    const t0 = performance.now();
    release();
    await next;
    return (performance.now() - t0) * 1000;
  };
  const amMake = () => {
    const m = new AsyncMutexCJS();
    let releaser;
    return {
      acquire: (timeout) =>
        (timeout === undefined ? m.acquire() : amWithTimeoutCJS(m, timeout).acquire()).then(
          (r) => (releaser = r),
        ),
      release: () => releaser(),
    };
  };
  const weftMake = () => {
    const m = new AsyncMutex();
    return {
      acquire: (timeout) => m.acquire(timeout === undefined ? undefined : { timeout }),
      release: () => m.release(),
    };
  };
  const label2 = 'event loop: next acquirer after 1000 waiters timed out';
  const b = median(await bestOf(() => afterTimeouts(amMake)));
  row(label2, 'async-mutex 0.5 withTimeout', b, 'µs', b, 'baseline: timed-out waiters stay queued');
  row(
    label2,
    'Weft AsyncMutex { timeout }',
    median(await bestOf(() => afterTimeouts(weftMake))),
    'µs',
    b,
    'they left the queue when they timed out',
  );
}

// 4. Semaphore and ReadWriteLock across two threads.
{
  const n = RACE;
  const label = `2 threads × ${n.toLocaleString('en')} ops`;
  const mutexMs = median(
    (await bestOf(() => twoThreads('mutex-manual', n, new Mutex()))).map((r) => r.ms),
  );
  row(label, 'Mutex acquire/release', mutexMs, 'ms', mutexMs, 'baseline');
  const sem = await bestOf(() => twoThreads('semaphore', n, new Semaphore(1)));
  row(
    label,
    'Semaphore(1) acquire/release',
    median(sem.map((r) => r.ms)),
    'ms',
    mutexMs,
    `lost ${2 * n - median(sem.map((r) => r.count))}`,
  );
  const rw = await bestOf(() => twoThreads('rwlock-read-heavy', n, new ReadWriteLock()));
  row(label, 'ReadWriteLock, 95% reads', median(rw.map((r) => r.ms)), 'ms', mutexMs);
}

// Output.
const fmt = (v) =>
  v >= 100 ? Math.round(v).toLocaleString('en') : v >= 10 ? v.toFixed(1) : v.toFixed(2);
let group;
const lines = [];
lines.push(`| benchmark | time | ratio | note |`);
lines.push(`|---|---:|---:|---|`);
for (const r of rows) {
  if (r.group !== group) {
    group = r.group;
    lines.push(`| **${group}** | | | |`);
  }
  lines.push(
    `| ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.ratio === undefined ? '' : (r.ratio >= 0.01 ? r.ratio.toFixed(2) : r.ratio.toPrecision(2)) + '×'} | ${r.note} |`,
  );
}
const machine = `${os.cpus().length} vCPU ${os.cpus()[0]?.model ?? ''}, Node ${process.version}, ${quick ? 'quick' : 'full'} mode, median of ${REPEATS}`;
console.log(`\n${machine}\n`);
console.log(lines.join('\n'));
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/latest.json', import.meta.url),
  JSON.stringify({ date: new Date().toISOString(), machine, quick, rows }, null, 2),
);
