// Starting real worker threads for the tests, and making sure none outlives its test.
import { Worker } from 'node:worker_threads';
import { afterEach } from 'vitest';

const FIXTURE = new URL('./fixtures/worker.mjs', import.meta.url);
const live = new Set<Worker>();

afterEach(async () => {
  await Promise.all([...live].map((w) => w.terminate()));
  live.clear();
});

export interface Started {
  readonly worker: Worker;
  readonly threadId: number;
  /** Resolves with the scenario's result; rejects if it failed or the worker died without one. */
  readonly result: Promise<unknown>;
  readonly exited: Promise<number>;
}

/** Start one worker on a scenario of test/fixtures/worker.mjs (or of another fixture). */
export function startWorker(data: Record<string, unknown>, fixture: URL = FIXTURE): Started {
  const worker = new Worker(fixture, { workerData: data });
  live.add(worker);
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  void exited.then(() => live.delete(worker));
  const result = new Promise<unknown>((resolve, reject) => {
    worker.once('message', (m: { ok: boolean; result?: unknown; error?: { message: string } }) => {
      if (m.ok) resolve(m.result);
      else reject(new Error(`worker failed: ${m.error?.message}`));
    });
    worker.once('error', reject);
    void exited.then(() => reject(new Error('worker exited without a result')));
  });
  return { worker, threadId: worker.threadId, result, exited };
}

/** Start `n` workers on the same scenario and collect their results. */
export async function runWorkers(
  n: number,
  data: Record<string, unknown> | ((i: number) => Record<string, unknown>),
): Promise<unknown[]> {
  const started = Array.from({ length: n }, (_, i) =>
    startWorker(typeof data === 'function' ? data(i) : data),
  );
  return Promise.all(started.map((s) => s.result));
}

const atomics = Atomics as unknown as {
  waitAsync(
    i32: Int32Array,
    index: number,
    value: number,
    timeout?: number,
  ): { async: boolean; value: unknown };
};

/**
 * Wait, without blocking the event loop, until `i32[index]` is no longer `value`. Writers of
 * these words do not notify, so each wait is short (1 ms) and re-checks: event-driven polling,
 * never an assertion on elapsed time.
 */
export async function untilChanged(i32: Int32Array, index: number, value: number): Promise<void> {
  while (Atomics.load(i32, index) === value) await atomics.waitAsync(i32, index, value, 1).value;
}

/** Wait until a worker has counted itself in `cells[0]` `n` times (it is about to block). */
export async function untilCount(cells: Int32Array, n: number): Promise<void> {
  for (let v = Atomics.load(cells, 0); v < n; v = Atomics.load(cells, 0)) {
    await untilChanged(cells, 0, v);
  }
}
