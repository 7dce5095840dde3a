// Where a worker runs a job's function: inline on its own event loop (I/O tasks), or on a local
// @weft/process-pool pool of threads or processes (CPU tasks), one pool per task module.
import { Pool, ResultNotSendableError } from '@weft/process-pool';
import { leaveJob, runAsJob } from '../current-job.js';
import type { JobInfo } from '../current-job.js';
import { ValueNotSerializableError } from '../errors.js';
import { now } from './clock.js';
import { isThenable } from './thenable.js';

export interface RunStart {
  readonly time: number;
  readonly workerId?: number;
  readonly pid?: number;
  readonly threadId?: number;
}

export interface RunSettle {
  readonly time: number;
  readonly runMs: number;
  readonly cpuMs?: number;
}

/** A job for a runner: its task, its identity, its signal, and where to report start and end. */
export interface RunRequest {
  readonly url: string;
  readonly fn: (...args: unknown[]) => unknown;
  readonly exportName: string;
  readonly args: readonly unknown[];
  readonly jobId: string;
  readonly attempt: number;
  readonly queue: string;
  /** The job's signal (JobRun makes it on first read: a runner reads it only when it needs it). */
  readonly signal: AbortSignal;
  onStart(info: RunStart): void;
  onSettle(info: RunSettle): void;
}

export interface Runner {
  run(request: RunRequest): Promise<unknown>;
  /** Wait for running tasks, then stop every thread or child. */
  close(): Promise<void>;
  /** Stop every thread or child at once. */
  terminate(): Promise<void>;
}

// The one place an inline job ends, however it ends: it leaves currentJob()'s store here. No
// cpuMs: inline jobs overlap on one thread, so process CPU time can't be split between them, and
// two getrusage calls per job cost more than a tiny job itself.
function settleInline(request: RunRequest, start: number): void {
  leaveJob();
  const end = now();
  request.onSettle({ time: end, runMs: end - start });
}

function startedAt(request: RunRequest, start: number): void {
  request.onStart({ time: start, pid: process.pid, threadId: 0 });
}

// What the task sees through currentJob(): the signal is read from the request only when the task
// reads it (an own, enumerable property, as a plain field would be).
function jobInfo(request: RunRequest): JobInfo {
  return {
    jobId: request.jobId,
    attempt: request.attempt,
    queue: request.queue,
    get signal() {
      return request.signal;
    },
  };
}

export class InlineRunner implements Runner {
  // A task that runs to its end synchronously reports its start after its end: no timer can fire
  // while it runs, so its start could never go out before its outcome, and a start reported after
  // the end is not deferred (JobRun.onStart), which saves a worker a timer per job. An async task
  // reports its start as soon as its synchronous part returns, with the time it started.
  run(request: RunRequest): Promise<unknown> {
    const start = now();
    let out: unknown;
    try {
      out = runAsJob(jobInfo(request), request.fn, request.args);
    } catch (error) {
      settleInline(request, start);
      startedAt(request, start);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rejects with whatever the task threw, as an async function would
      return Promise.reject(error);
    }
    if (!isThenable(out)) {
      settleInline(request, start);
      startedAt(request, start);
      return Promise.resolve(out);
    }
    startedAt(request, start);
    return Promise.resolve(out).then(
      (value) => {
        settleInline(request, start);
        return value;
      },
      (error: unknown) => {
        settleInline(request, start);
        throw error;
      },
    );
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  terminate(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A result the pool child could not send back is the same failure as one the worker cannot encode
 * for Redis: callers get `ValueNotSerializableError` ('result', with the serializer's error as
 * `cause`) whatever the worker kind. Everything else the pool throws goes through unchanged.
 */
function translatePoolError(error: unknown): never {
  if (error instanceof ResultNotSendableError && error.position === 'result')
    throw new ValueNotSerializableError('result', { cause: error.cause });
  throw error;
}

export interface PoolRunnerOptions {
  readonly kind: 'thread' | 'process';
  readonly maxWorkers: number;
  readonly pool: Readonly<Record<string, unknown>>;
}

export class PoolRunner implements Runner {
  readonly #options: PoolRunnerOptions;
  readonly #pools = new Map<string, Pool>();

  constructor(options: PoolRunnerOptions) {
    this.#options = options;
  }

  #pool(url: string): Pool {
    let pool = this.#pools.get(url);
    if (pool === undefined) {
      pool = new Pool({
        ...this.#options.pool,
        module: url,
        kind: this.#options.kind,
        maxWorkers: this.#options.maxWorkers,
      });
      this.#pools.set(url, pool);
    }
    return pool;
  }

  run(request: RunRequest): Promise<unknown> {
    return this.#pool(request.url)
      .runWith(request.exportName, request.args as never, {
        signal: request.signal,
        onStart: (info) =>
          request.onStart({
            time: info.time,
            workerId: info.workerId,
            ...(info.pid === undefined ? {} : { pid: info.pid }),
            ...(info.threadId === undefined ? {} : { threadId: info.threadId }),
          }),
        onSettle: (info) =>
          request.onSettle({
            time: info.time,
            runMs: info.runMs,
            ...(info.cpuMs === undefined ? {} : { cpuMs: info.cpuMs }),
          }),
      })
      .catch(translatePoolError);
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.#pools.values()].map(async (pool) => {
        pool.close();
        await pool.join();
      }),
    );
  }

  async terminate(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.terminate()));
  }
}
