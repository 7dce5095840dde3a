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

/** Start one worker on a scenario of test/fixtures/worker.mjs. */
export function startWorker(data: Record<string, unknown>): Started {
  const worker = new Worker(FIXTURE, { workerData: data });
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
