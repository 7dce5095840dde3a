// The dispatcher: the pool's queue and the rule that hands queued tasks to workers. It follows
// ProcessPoolExecutor (start a worker only when none is idle, up to the limit), then keeps a few
// tasks queued on each worker (prefetch) and sends each worker's new tasks as one message, because
// one task in flight per worker caps a pool at one round trip per task. Fairness: a task always
// goes to an idle worker first, and no worker holds more than the prefetch limit, so a task queued
// behind a long batch starts as soon as any worker is free.
import { serialize } from 'node:v8';
import { ArgumentNotSendableError } from '../errors.js';
import type { WorkerKind } from '../pool-options.js';
import { findUnsendable } from './args.js';
import { Deque } from './deque.js';
import { FLAG_MAP, FLAG_STARMAP, FLAG_TRACED, TASK_STRIDE } from './protocol.js';
import { runMessage, tracesIn } from './telemetry.js';
import type { TaskRecord } from './task-record.js';
import type { WorkerHandle } from './worker-handle.js';
import { now } from './clock.js';

/** A task as the pool keeps it. */
export type PoolTask = TaskRecord<WorkerHandle>;

/** What the dispatcher needs from the pool. */
export interface DispatchHost {
  readonly kind: WorkerKind;
  /** The live workers. */
  readonly workers: readonly WorkerHandle[];
  /** Whether dispatch is over for good (terminated or broken). */
  halted(): boolean;
  /** Whether a new worker may start now. */
  canSpawn(): boolean;
  /** Start a worker; `undefined` when it could not even be created (the pool is then broken). */
  spawn(): WorkerHandle | undefined;
  /** The task is first in line on a ready worker: count it as started. */
  markRunning(task: PoolTask, time: number): void;
  /** Reject a task (here: its arguments could not be sent). */
  fail(task: PoolTask, error: unknown): void;
  /** The worker holds nothing any more. */
  drained(worker: WorkerHandle): void;
  /** A FLAG_TRACED task was assigned: start its run span, queue its context for the worker. */
  traced(task: PoolTask, worker: WorkerHandle): void;
}

/** The queue, prefetch and batching. */
export class Dispatcher {
  /** Tasks no worker has yet, in submit order (re-run tasks go back to the front). */
  readonly queue: Deque<PoolTask> = new Deque();
  readonly #host: DispatchHost;
  readonly #prefetch: number | 'auto';
  readonly #maxTasksPerWorker: number;
  readonly #maxQueue: number;
  readonly #roomWaiters = new Deque<() => void>();
  #scheduled = false;
  /** Moving average of task run time, ms; -1 before the first result (prefetch 'auto'). */
  #ewmaRunMs = -1;
  // Bound once: scheduling a dispatch allocates nothing.
  readonly #scheduledRun = (): void => {
    this.#scheduled = false;
    this.dispatch();
  };

  constructor(
    host: DispatchHost,
    prefetch: number | 'auto',
    maxTasksPerWorker: number,
    maxQueue: number,
  ) {
    this.#host = host;
    this.#prefetch = prefetch;
    this.#maxTasksPerWorker = maxTasksPerWorker;
    this.#maxQueue = maxQueue;
  }

  /** Dispatch once, after the current synchronous burst of submits (tasks are pushed on `queue`). */
  schedule(): void {
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#scheduledRun);
    }
  }

  /** Put a task its dead worker never started back at the front of the queue. */
  requeue(task: PoolTask): void {
    const extras = task.extras;
    if (extras !== undefined) {
      extras.timer?.clear();
      extras.timer = undefined;
    }
    task.move('requeue');
    task.worker = undefined;
    this.queue.unshift(task);
  }

  /** Take a queued task out (cancel, abort); returns whether it was there. */
  remove(task: PoolTask): boolean {
    const removed = this.queue.remove(task);
    if (removed) this.wakeRoom();
    return removed;
  }

  /** Whether the queue is below maxQueue. */
  hasRoom(): boolean {
    return this.queue.length < this.#maxQueue;
  }

  /** Wait until the queue has room (onQueueFull: 'wait'); rejects with the abort error on abort. */
  waitForRoom(signal: AbortSignal | undefined, aborted: (reason: unknown) => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#roomWaiters.remove(wake);
        reject(aborted(signal?.reason));
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#roomWaiters.push(wake);
    });
  }

  /** Let as many waiting submits in as there is room for. */
  wakeRoom(): void {
    while (this.#roomWaiters.length > 0 && this.queue.length < this.#maxQueue)
      this.#roomWaiters.shift()!();
  }

  /** Let every waiting submit go on (it then meets the closed or broken pool). */
  releaseRoomWaiters(): void {
    while (this.#roomWaiters.length > 0) this.#roomWaiters.shift()!();
  }

  /** A task ran for `runMs`: feeds prefetch 'auto'. */
  observeRun(runMs: number): void {
    this.#ewmaRunMs = this.#ewmaRunMs < 0 ? runMs : this.#ewmaRunMs * 0.8 + runMs * 0.2;
  }

  /** How many tasks a busy worker may hold. */
  limit(): number {
    if (this.#prefetch !== 'auto') return this.#prefetch;
    if (this.#ewmaRunMs < 0) return 1;
    // About 2 ms of work queued per worker.
    return Math.max(1, Math.min(64, Math.floor(2 / Math.max(this.#ewmaRunMs, 0.001))));
  }

  /** Hand queued tasks to workers and send the batches. */
  dispatch(): void {
    // A batch the serializer refused frees its worker: go round again for the tasks still queued.
    while (this.#dispatchOnce());
    this.wakeRoom();
  }

  // One pass. Returns whether a batch was refused (its unsendable tasks were rejected, so the
  // worker has room again) while tasks are still queued.
  #dispatchOnce(): boolean {
    const host = this.#host;
    if (host.halted()) return false;
    const limit = this.limit();
    const queue = this.queue;
    while (queue.length > 0) {
      const task = queue.peek()!;
      // An idle worker first (fairness); else the least loaded one.
      let chosen: WorkerHandle | undefined;
      let best = Infinity;
      for (const worker of host.workers) {
        if (!worker.accepts(this.#maxTasksPerWorker)) continue;
        const load = worker.inflight.length;
        if (load === 0) {
          chosen = worker;
          break;
        }
        if (load < best) {
          best = load;
          chosen = worker;
        }
      }
      if (chosen === undefined || chosen.inflight.length > 0) {
        // Python's rule: start a worker only when none is idle, up to the limit.
        if (host.canSpawn()) {
          chosen = host.spawn();
          if (chosen === undefined) return false; // it could not start: the pool is broken
        } else if (chosen === undefined || best >= limit) break;
      }
      queue.shift();
      this.#assign(chosen, task);
    }
    let refused = false;
    for (const worker of host.workers)
      if (worker.batch.length > 0 && !this.#send(worker)) refused = true;
    return refused && queue.length > 0;
  }

  // queued --assign--> sent; the worker --take--> busy (or stays starting).
  #assign(worker: WorkerHandle, task: PoolTask): void {
    task.move('assign');
    task.worker = worker;
    worker.inflight.push(task);
    worker.dispatched++;
    worker.move('take');
    worker.batch.push(task.id, task.mod, task.name, task.args, task.flags);
    if ((task.flags & FLAG_TRACED) !== 0) this.#host.traced(task, worker);
    const transfer = task.options?.transfer;
    if (transfer !== undefined && transfer.length > 0 && this.#host.kind === 'thread')
      (worker.transfer ??= []).push(...transfer);
    if (worker.inflight.length === 1 && worker.state === 'busy')
      this.#host.markRunning(task, now());
  }

  // Send the worker's batch; returns false when the serializer refused some of it. The send
  // serializes synchronously, so the same array is emptied and filled again for the next batch.
  #send(worker: WorkerHandle): boolean {
    const batch = worker.batch;
    const transfer = worker.transfer;
    worker.transfer = undefined;
    const message = runMessage(worker, batch);
    try {
      worker.channel.send(message, transfer);
      batch.length = 0;
      return true;
    } catch (error) {
      // Settling the refused tasks may assign new ones to this worker: they go in a fresh array.
      worker.batch = [];
      this.#sendWhatCan(worker, batch, transfer, error, message.c);
      return false;
    }
  }

  // The serializer refused something the submit-time check let through: find the task(s), reject
  // them, and send the rest.
  #sendWhatCan(
    worker: WorkerHandle,
    batch: unknown[],
    transfer: WorkerHandle['transfer'],
    error: unknown,
    traces: unknown[] | undefined,
  ): void {
    const host = this.#host;
    const clone =
      host.kind === 'thread'
        ? (v: unknown): void => void structuredClone(v)
        : (v: unknown): void => void serialize(v);
    const good: unknown[] = [];
    for (let i = 0; i < batch.length; i += TASK_STRIDE) {
      const args = batch[i + 3] as unknown[];
      try {
        clone(args);
        good.push(...batch.slice(i, i + TASK_STRIDE));
      } catch {
        const task = worker.drop(batch[i] as number);
        if (task === undefined) continue;
        host.fail(
          task,
          (task.flags & (FLAG_MAP | FLAG_STARMAP)) !== 0
            ? findUnsendable(args, clone, error, 'items', task.extras?.offset ?? 0)
            : findUnsendable(args, clone, error),
        );
      }
    }
    if (good.length > 0) {
      try {
        const c = tracesIn(traces, good);
        worker.channel.send(
          c === undefined ? { t: 'run', b: good } : { t: 'run', b: good, c },
          transfer,
        );
      } catch (again) {
        for (let i = 0; i < good.length; i += TASK_STRIDE) {
          const task = worker.drop(good[i] as number);
          if (task === undefined) continue;
          host.fail(
            task,
            new ArgumentNotSendableError('args', 'the serializer refused the batch', {
              cause: again,
            }),
          );
        }
      }
    }
    const head = worker.inflight.peek();
    if (head !== undefined && head.state === 'sent' && worker.ready) host.markRunning(head, now());
    if (worker.inflight.length === 0) host.drained(worker);
  }
}
