// runWorkload as a pool task module: parts run inline, on real worker threads and in real child
// processes (driven here by the benchmark's small part runner, standing in for @weft/process-pool),
// and merge to the same verified answer for several part counts.
import { fork, type ChildProcess } from 'node:child_process';
import { threadId, Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getWorkload,
  isolation,
  isolationCounter,
  runSplit,
  type WorkloadExecutor,
  type WorkloadName,
  type Workload,
} from '@weft/workloads';

// The bench's runner, so the protocol the benchmark relies on is the one tested here.
const RUNNER = new URL('../bench/part-runner.mjs', import.meta.url);

interface Reply {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: { name: string; code?: string; message: string };
}

/** Round-robins runWorkload calls over some workers that speak the part runner's protocol. */
function executorOver(
  endpoints: { send: (m: unknown) => void; on: (fn: (r: Reply) => void) => void }[],
): WorkloadExecutor {
  let nextId = 0;
  let turn = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  for (const endpoint of endpoints) {
    endpoint.on((reply) => {
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.value);
      else waiter?.reject(Object.assign(new Error(reply.error?.message), reply.error));
    });
  }
  return {
    apply: (_fn, args) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        const [name, params] = args as unknown as [string, unknown];
        endpoints[turn++ % endpoints.length]!.send({ id, name, params });
      }),
  };
}

const SPLITTABLE: readonly [WorkloadName, unknown][] = [
  ['pi-digits', { digits: 500 }],
  ['pi-series', { intervals: 300_000 }],
  ['n-body', { steps: 1000, runs: 4 }],
  ['spectral-norm', { n: 100, runs: 3 }],
  ['fannkuch', { n: 7 }],
  ['mandelbrot', { size: 200, frames: 4 }],
  ['sha256-chain', { iterations: 10_000, chains: 3 }],
  ['http', { requests: 12, concurrency: 4, delayMs: 1, bodyBytes: 256 }],
  ['disk', { files: 4, fileBytes: 4096 }],
  ['timers', { waits: 6, delayMs: 1, concurrency: 3 }],
  ['isolation', { tasks: 6, increments: 3 }],
];

const WHOLE: readonly [WorkloadName, unknown][] = [
  ['shared-counter', { threads: 2, increments: 5000, mode: 'mutex-scoped' }],
  ['async-counter', { tasks: 20, increments: 5, mode: 'mutex' }],
  ['gil', { threads: 2, work: 'cpu', locked: true, units: 100_000 }],
];

function defineRuns(place: string, executor: () => WorkloadExecutor | undefined): void {
  describe(`runWorkload ${place}`, () => {
    for (const [name, params] of SPLITTABLE) {
      it(`${name}: same verified answer for 1, 2 and 3 parts`, async () => {
        const workload: Workload<unknown, unknown> = getWorkload(name);
        const exec = executor();
        const results: unknown[] = [];
        for (const parts of [1, 2, 3]) {
          const run = await runSplit(
            workload,
            params,
            exec === undefined ? { parts } : { parts, executor: exec },
          );
          expect(run.verification.ok, `${parts} parts: ${run.verification.detail}`).toBe(true);
          results.push(run.result);
        }
        if (name !== 'pi-series' && name !== 'isolation') {
          expect(results[1]).toEqual(results[0]);
          expect(results[2]).toEqual(results[0]);
        }
      });
    }
    for (const [name, params] of WHOLE) {
      it(`${name}: runs whole with a verified answer`, async () => {
        const exec = executor();
        const run = await runSplit(
          getWorkload(name as string),
          params,
          exec === undefined ? {} : { executor: exec },
        );
        expect(run.verification.ok, run.verification.detail).toBe(true);
      });
    }
  });
}

defineRuns('inline', () => undefined);

describe('on real worker threads', () => {
  const workers: Worker[] = [];
  let executor: WorkloadExecutor;
  beforeAll(() => {
    for (let i = 0; i < 2; i++) workers.push(new Worker(RUNNER));
    executor = executorOver(
      workers.map((w) => ({ send: (m) => w.postMessage(m), on: (fn) => w.on('message', fn) })),
    );
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.terminate()));
  });

  defineRuns('on 2 threads', () => executor);

  it('isolation: each thread counts in its own copy; the main copy does not move', async () => {
    const before = isolationCounter();
    const params = isolation.validate({ tasks: 4, increments: 3 });
    const { result } = await runSplit(isolation, params, { parts: 4, executor });
    const reports = result.reports;
    expect(reports.every((r) => r.threadId !== threadId && r.pid === process.pid)).toBe(true);
    expect(new Set(reports.map((r) => r.threadId)).size).toBe(2);
    expect(isolationCounter()).toBe(before);
  });
});

describe('in real child processes (JSON IPC)', () => {
  const children: ChildProcess[] = [];
  let executor: WorkloadExecutor;
  beforeAll(() => {
    for (let i = 0; i < 2; i++)
      children.push(fork(RUNNER, { serialization: 'json', stdio: 'inherit' }));
    executor = executorOver(
      children.map((c) => ({
        send: (m) => void c.send(m as never),
        on: (fn) => c.on('message', fn as never),
      })),
    );
  });
  afterAll(async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }),
    );
  });

  defineRuns('on 2 processes', () => executor);

  it('isolation: each process counts from 100 in its own copy; the main copy does not move', async () => {
    const before = isolationCounter();
    const params = isolation.validate({ tasks: 4, increments: 3 });
    const { result } = await runSplit(isolation, params, { parts: 4, executor });
    const reports = result.reports;
    expect(reports.every((r) => r.pid !== process.pid && r.threadId === 0)).toBe(true);
    expect(new Set(reports.map((r) => r.pid)).size).toBe(2);
    expect(isolationCounter()).toBe(before);
  });
});
