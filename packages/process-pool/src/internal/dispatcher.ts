// The dispatcher: the pool's queue and the rule that hands queued tasks to workers. It follows
// ProcessPoolExecutor (start a worker only when none is idle, up to the limit), then keeps a few
// tasks queued on each worker (prefetch) and sends each worker's new tasks as one message, because
// one task in flight per worker caps a pool at one round trip per task. Fairness: a task always
// goes to an idle worker first, and no worker holds more than the prefetch limit, so a task queued
// behind a long batch starts as soon as any worker is free.
//
// prefetch 'auto': a worker may hold about 2 ms of work (by the moving average of run times), and
// at most its own depth, which starts at START_DEPTH and doubles each time the worker runs dry
// while tasks wait here (it then sat idle for a round trip): tiny tasks get a pipeline deep enough
// to hide the channel's latency, long ones are still spread one at a time.
//
// A task far longer than the average must not hold up the tasks queued behind it on its worker.
// A thread worker's tasks can be taken back until it claims them (claim-word.ts): when a worker
// idles with nothing queued here, the dispatcher takes back what a busy thread worker has not
// started, if its current task is overdue (has run OVERDUE_FACTOR times the average, and at least
// OVERDUE_MIN_MS) or it holds more than its limit (it got them by an estimate that went stale),
// and hands them out again. So a thread worker may also hold 2 ms of work behind the task it
// runs. A process worker's tasks cannot be taken back: under prefetch 'auto', one whose current
// task is overdue gets no more.
import type { WorkerKind } from '../pool-options.js';
import { Deque } from './deque.js';
import { FunctionTable } from './function-table.js';
import {
  FLAG_MAP,
  FLAG_ONE,
  FLAG_SHARED,
  FLAG_STARMAP,
  FLAG_TRACED,
  TASK_STRIDE,
} from './protocol.js';
import { sendWhatCan } from './refused-batch.js';
import { runMessage } from './telemetry.js';
import type { TaskRecord } from './task-record.js';
import type { WorkerHandle } from './worker-handle.js';
import { now } from './clock.js';

/** A task that has run this many times the average run time is overdue... */
export const OVERDUE_FACTOR = 4;
/** ...and at least this many ms (the 2 ms of work prefetch 'auto' plans a worker's tasks by). */
export const OVERDUE_MIN_MS = 2;
/** How soon to look again at a worker that was between two tasks when it could not be robbed, ms. */
const STEAL_RETRY_MS = 1;

/** A worker's depth under prefetch 'auto' before it has run dry. */
export const START_DEPTH = 64;
/** The most tasks a worker holds under prefetch 'auto'. */
export const MAX_DEPTH = 4096;

/**
 * A burst of submits is dispatched after it ends (one microtask later), and also every this many
 * queued tasks while it goes on, so the workers start on the first tasks of a long burst while the
 * caller is still submitting the rest.
 */
export const EAGER_DISPATCH = 64;

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
  traced?(task: PoolTask, worker: WorkerHandle): void;
  /** A task was taken back from `worker` before it started (it is queued again). */
  revoked?(task: PoolTask, worker: WorkerHandle): void;
}

/** The queue, prefetch and batching. */
export class Dispatcher {
  /** Tasks no worker has yet, in submit order (re-run tasks go back to the front). */
  readonly queue: Deque<PoolTask> = new Deque();
  /** The numbers tasks name their function by on the wire. */
  readonly functions: FunctionTable = new FunctionTable();
  readonly #host: DispatchHost;
  readonly #prefetch: number | 'auto';
  readonly #maxTasksPerWorker: number;
  readonly #maxQueue: number;
  readonly #roomWaiters = new Deque<() => void>();
  #scheduled = false;
  /** A dispatch is under way (an eager dispatch must not start inside it). */
  #dispatching = false;
  /** Moving average of task run time, ms; -1 before the first result (prefetch 'auto'). */
  #ewmaRunMs = -1;
  /** 1 while 2 ms of work is at least about one task (the average is 4 ms or less): see limitOf. */
  #queuedExtra = 0;
  // Bound once: scheduling a dispatch allocates nothing.
  readonly #scheduledRun = (): void => {
    this.#scheduled = false;
    this.dispatch();
  };
  /** A dispatch to look again for tasks to take back (see #steal), and when it is due. */
  #stealTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #stealAt = Infinity;
  readonly #stealRun = (): void => {
    this.#stealTimer = undefined;
    this.#stealAt = Infinity;
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

  /**
   * Dispatch once, after the current synchronous burst of submits (tasks are pushed on `queue`),
   * and now if EAGER_DISPATCH more tasks have queued up meanwhile.
   */
  schedule(): void {
    if (this.queue.length % EAGER_DISPATCH === 0 && !this.#dispatching) this.dispatch();
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
    const ewma = this.#ewmaRunMs < 0 ? runMs : this.#ewmaRunMs * 0.8 + runMs * 0.2;
    this.#ewmaRunMs = ewma;
    this.#queuedExtra = ewma <= 4 ? 1 : 0;
  }

  /** How many tasks a busy worker may hold by the time rule (prefetch 'auto': about 2 ms of work). */
  limit(): number {
    if (this.#prefetch !== 'auto') return this.#prefetch;
    if (this.#ewmaRunMs < 0) return 1;
    return Math.max(1, Math.min(MAX_DEPTH, Math.round(2 / Math.max(this.#ewmaRunMs, 0.0001))));
  }

  /**
   * How many tasks `worker` may hold: the time rule, capped by its depth (prefetch 'auto'). A
   * thread worker holds its 2 ms of work behind the task it runs (what it has not started can be
   * taken back, see #steal), so tasks of up to about 4 ms get one queued behind each.
   */
  limitOf(worker: WorkerHandle, limit: number): number {
    if (this.#prefetch !== 'auto') return limit;
    const timed = worker.channel.claims === undefined ? limit : limit + this.#queuedExtra;
    return Math.min(timed, worker.depth === 0 ? START_DEPTH : worker.depth);
  }

  /** How long a task may run before it is overdue, ms (see the top of this file). */
  overdueMs(): number {
    return Math.max(OVERDUE_MIN_MS, OVERDUE_FACTOR * this.#ewmaRunMs);
  }

  /** Whether the task `worker` runs now started more than overdueMs() before `t`. */
  overdue(worker: WorkerHandle, t: number): boolean {
    const head = worker.inflight.peek();
    return head !== undefined && head.started && t - head.startedAt > this.overdueMs();
  }

  /**
   * `worker` sat idle between two tasks (its results show a gap): if tasks are waiting here, its
   * pipeline was too shallow (it ran dry for a round trip), so it may hold twice as many.
   */
  ranDry(worker: WorkerHandle): void {
    if (this.#prefetch !== 'auto' || this.queue.length === 0) return;
    const depth = worker.depth === 0 ? START_DEPTH : worker.depth;
    worker.depth = Math.min(MAX_DEPTH, depth * 2);
  }

  /** Hand queued tasks to workers and send the batches. */
  dispatch(): void {
    this.#dispatching = true;
    try {
      // A batch the serializer refused frees its worker: go round again for the tasks still queued.
      while (this.#dispatchOnce());
      if (this.#steal()) while (this.#dispatchOnce());
    } finally {
      this.#dispatching = false;
    }
    this.wakeRoom();
  }

  // One pass. Returns whether a batch was refused (its unsendable tasks were rejected, so the
  // worker has room again) while tasks are still queued.
  #dispatchOnce(): boolean {
    const host = this.#host;
    if (host.halted()) return false;
    const limit = this.limit();
    const queue = this.queue;
    const workers = host.workers;
    // Prefetch 'auto' gives an overdue worker no more tasks, if they could not be taken back (a
    // process worker's); a fixed prefetch is kept as asked.
    const checkOverdue = host.kind === 'process' && this.#prefetch === 'auto';
    const t = checkOverdue ? now() : 0;
    while (queue.length > 0) {
      const task = queue.peek()!;
      // An idle worker first (fairness); else the least loaded one below its limit.
      let chosen: WorkerHandle | undefined;
      let best = Infinity;
      // Indexed loops here and below: a for-of makes an iterator object per pass, i.e. per task.
      for (let w = 0; w < workers.length; w++) {
        const worker = workers[w]!;
        if (!worker.accepts(this.#maxTasksPerWorker)) continue;
        const load = worker.inflight.length;
        if (load === 0) {
          chosen = worker;
          break;
        }
        if (
          load < best &&
          load < this.limitOf(worker, limit) &&
          !(checkOverdue && this.overdue(worker, t))
        ) {
          best = load;
          chosen = worker;
        }
      }
      if (chosen === undefined || chosen.inflight.length > 0) {
        // Python's rule: start a worker only when none is idle, up to the limit.
        if (host.canSpawn()) {
          chosen = host.spawn();
          if (chosen === undefined) return false; // it could not start: the pool is broken
        } else if (chosen === undefined) break;
      }
      queue.shift();
      this.#assign(chosen, task);
    }
    let refused = false;
    for (let w = 0; w < workers.length; w++) {
      const worker = workers[w]!;
      if (worker.batchLength > 0 && !this.#send(worker)) refused = true;
    }
    return refused && queue.length > 0;
  }

  // Thread workers: when a worker idles with nothing queued, take back (sent --revoke--> queued)
  // the tasks a busy worker holds and has not claimed, if its current task is overdue or it holds
  // more than its limit (it was given them by an estimate that went stale), and hand them out
  // again. One that cannot be robbed yet is looked at again once its task would be overdue (no
  // result may come to trigger a dispatch before then). Returns whether any came back.
  #steal(): boolean {
    const host = this.#host;
    if (host.kind !== 'thread' || this.queue.length > 0 || host.halted()) return false;
    let idle = false;
    let holding = false; // a busy worker holds tasks behind the one it runs
    for (const worker of host.workers) {
      if (worker.state === 'idle' && worker.accepts(this.#maxTasksPerWorker)) idle = true;
      else if (worker.inflight.length > 1) holding = true;
    }
    if (!idle || !holding) return false;
    const t = now();
    const limit = this.limit();
    let back: PoolTask[] | undefined;
    let again = Infinity;
    for (const worker of host.workers) {
      const held = worker.inflight.length;
      const claims = worker.channel.claims;
      if (held < 2 || worker.state !== 'busy' || claims === undefined) continue;
      if (held > this.limitOf(worker, limit) || this.overdue(worker, t)) {
        // Only behind a task it has claimed: its first one is counted as running.
        const unclaimed = claims.unclaimed();
        if (unclaimed > 0 && unclaimed < held) {
          if (!this.#transfersIn(worker, unclaimed)) this.#revoke(worker, (back ??= []));
        } else if (unclaimed > 0) again = Math.min(again, t + STEAL_RETRY_MS); // it claims one at once
      } else if (worker.inflight.peek()!.started) {
        again = Math.min(again, worker.inflight.peek()!.startedAt + this.overdueMs());
      }
    }
    if (again < Infinity) this.#stealLater(again, t);
    if (back === undefined || back.length === 0) return false;
    // Back into the queue in the order they were submitted (ids grow with submits): merged with
    // the older tasks at its front (taken back earlier, or from a dead worker).
    back.sort((a, b) => a.id - b.id);
    const queue = this.queue;
    const merged: PoolTask[] = [];
    const newest = back[back.length - 1]!.id;
    let i = 0;
    while (queue.length > 0 && queue.peek()!.id < newest) {
      const queued = queue.shift()!;
      while (back[i]!.id < queued.id) merged.push(back[i++]!);
      merged.push(queued);
    }
    while (i < back.length) merged.push(back[i++]!);
    for (let j = merged.length - 1; j >= 0; j--) queue.unshift(merged[j]!);
    return true;
  }

  // Whether one of the last `n` tasks `worker` holds moved memory to it (a transfer list): what it
  // moved is gone from this thread, so such a task cannot be sent anywhere else.
  #transfersIn(worker: WorkerHandle, n: number): boolean {
    const inflight = worker.inflight;
    for (let i = inflight.length - n; i < inflight.length; i++) {
      const transfer = inflight.at(i)!.options?.transfer;
      if (transfer !== undefined && transfer.length > 0) return true;
    }
    return false;
  }

  // Take back every task `worker` holds and has not claimed, into `back`.
  #revoke(worker: WorkerHandle, back: PoolTask[]): void {
    const n = worker.channel.claims!.revoke();
    for (let i = 0; i < n; i++) {
      const task = worker.inflight.pop()!; // the last n it holds
      worker.dispatched--;
      if (!task.move('revoke')) continue; // settled meanwhile (aborted): the worker drops it
      task.worker = undefined;
      this.#host.revoked?.(task, worker);
      back.push(task);
    }
  }

  #stealLater(at: number, t: number): void {
    if (this.#stealTimer !== undefined) {
      if (this.#stealAt <= at) return;
      clearTimeout(this.#stealTimer);
    }
    this.#stealAt = at;
    this.#stealTimer = setTimeout(this.#stealRun, Math.min(Math.max(0, at - t), 2 ** 31 - 1));
    this.#stealTimer.unref();
  }

  // queued --assign--> sent; the worker --take--> busy (or stays starting).
  #assign(worker: WorkerHandle, task: PoolTask): void {
    task.move('assign');
    task.worker = worker;
    worker.inflight.push(task);
    worker.dispatched++;
    worker.move('take');
    // Written in place (the array keeps its size between sends, and stays packed: no holes).
    const batch = worker.batch;
    const at = worker.batchLength;
    batch[at] = task.id;
    const fn = this.functions.indexOf(task.mod, task.name);
    batch[at + 1] = fn === -1 ? task.name : fn; // a call by a name the table has no room for
    // A lone argument goes as itself (FLAG_ONE); chunks and args with handles to revive stay arrays.
    const args = task.args as unknown[];
    if (args.length === 1 && (task.flags & (FLAG_MAP | FLAG_STARMAP | FLAG_SHARED)) === 0) {
      batch[at + 2] = args[0];
      batch[at + 3] = task.flags | FLAG_ONE;
    } else {
      batch[at + 2] = args;
      batch[at + 3] = task.flags;
    }
    worker.batchLength = at + TASK_STRIDE;
    if ((task.flags & FLAG_TRACED) !== 0) this.#host.traced?.(task, worker);
    const transfer = task.options?.transfer;
    if (transfer !== undefined && transfer.length > 0 && this.#host.kind === 'thread')
      (worker.transfer ??= []).push(...transfer);
    if (worker.inflight.length === 1 && worker.state === 'busy')
      this.#host.markRunning(task, now());
  }

  // Send the worker's batch; returns false when the serializer refused some of it. The message
  // gets an exact-length copy of the used slots, and the worker's array is cleared for the next
  // batch (it keeps its size; the args it held are let go).
  #send(worker: WorkerHandle): boolean {
    const length = worker.batchLength;
    const held = worker.batch;
    const batch = held.slice(0, length);
    for (let i = 2; i < length; i += TASK_STRIDE) held[i] = undefined;
    worker.batchLength = 0;
    const transfer = worker.transfer;
    worker.transfer = undefined;
    const functions = this.functions;
    const f =
      worker.functionsKnown < functions.size ? functions.since(worker.functionsKnown) : undefined;
    const message = runMessage(worker, batch, f);
    try {
      worker.channel.send(message, transfer);
      worker.functionsKnown = functions.size;
      worker.channel.claims?.sent(length / TASK_STRIDE);
      return true;
    } catch (error) {
      // Settling the refused tasks may assign new ones to this worker: they go in the cleared array.
      sendWhatCan(this.#host, this.functions, worker, batch, transfer, error, message.c, f);
      return false;
    }
  }
}
