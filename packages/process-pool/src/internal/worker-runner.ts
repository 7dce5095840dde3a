// The worker side of the task lifecycle: tasks arrive in batches, run one at a time in arrival
// order, and their results leave in batches (worker-results.ts). The runner is in one phase at a
// time, and every change of phase is made in `on()` below:
//
//   phase     | ready          | tasks arrive   | queue empty | task returned a promise | it settled
//   ----------|----------------|----------------|-------------|-------------------------|-----------
//   loading   | → draining     | wait in queue  |             |                         |
//   idle      |                | → draining     |             |                         |
//   draining  |                | run this drain | → idle      | → awaiting              |
//   awaiting  |                | wait in queue  |             |                         | → draining
//   failed    | (start failed: the pool kills the worker; nothing runs)
//
// Each task goes queued → started (its id recorded for the pool first: start-signal.ts) → settled
// (result held in the batch) → sent, or queued → skipped (cancelled before it started), or, on a
// thread, queued → revoked (the pool took it back before it was claimed: claim-word.ts; it is
// dropped without a result, and runs on another worker).
import type { AsyncLocalStorage } from 'node:async_hooks';
import { receiveMessageOnPort, parentPort } from 'node:worker_threads';
import {
  FLAG_SHARED,
  FLAG_TRACED,
  FLAG_WATCHED,
  STATUS_ERROR,
  STATUS_OK,
  STATUS_SKIPPED,
  type ToWorker,
} from './protocol.js';
import { flattenError } from './remote-error.js';
import { PollBackoff } from './poll-backoff.js';
import { TaskQueue } from './task-queue.js';
import type { TaskContext } from './worker-context.js';
import { clone, isThread, now } from './worker-env.js';
import { invoke, isThenable, reviveArgs } from './worker-invoke.js';
import { resolveTask } from './worker-modules.js';
import { ResultBatch } from './worker-results.js';
import { TraceContexts } from './worker-trace.js';

export type Phase = 'loading' | 'idle' | 'draining' | 'awaiting' | 'failed';
export type RunnerEvent =
  'ready' | 'init-failed' | 'tasks-arrived' | 'queue-empty' | 'task-async' | 'task-settled';

// After the queue empties, a thread worker polls its port for a few microseconds before going
// back to the event loop: a caller awaiting tasks one by one sends the next one within that window,
// and picking it up here saves the event-loop wake-up on each round trip. It stops polling once
// SPIN_TURN_MS have passed since its event loop last ran, so tasks sent back to back cannot keep
// it from its event loop (user code may have left work there: a timer, a promise it did not
// return). A worker whose polls keep finding nothing (tasks come further apart than the window)
// polls at fewer and fewer of its chances (poll-backoff.ts), so its spinning does not take a
// loaded machine's CPU for nothing. See bench/rtt-paths.mjs and bench/builds.mjs for what else was
// measured and why it was
// not kept: a wait on a shared doorbell word instead of the poll (a futex wake, no CPU while
// waiting) was faster only on a loaded machine and 1.2-1.35× slower on a quiet one.
const SPIN_MS = 0.05;
const SPIN_TURN_MS = 5;

export class TaskRunner {
  #phase: Phase = 'loading';
  readonly #queue = new TaskQueue();
  readonly #results = new ResultBatch();
  readonly #cancelled = new Set<number>();
  /** The trace contexts of traced tasks (FLAG_TRACED), made on the first traced batch. */
  #traces: TraceContexts | undefined = undefined;
  /** The context of the task running now (the one an 'abort' message can reach). */
  #current: TaskContext | undefined = undefined;
  readonly #store: AsyncLocalStorage<TaskContext>;
  /** Handles the messages a spinning thread takes off its port other than 'run'. */
  readonly #onOther: (message: ToWorker) => void;
  /** Tells the pool a task starts (at most once: see start-signal.ts). */
  #recordStart: (id: number) => void = () => undefined;
  /** Claims the next task in arrival order (thread workers: claim-word.ts); false: revoked. */
  #claim: () => boolean = () => true;
  /** The next task was claimed ahead (announceNext): 1 claimed, 0 revoked, -1 not yet. */
  #ahead = -1;
  /** Whether this runtime lets a thread poll its parent port synchronously (Deno does not). */
  #canPollPort = isThread;
  /** Drains that end are the chances to poll; polls that find nothing make them rarer. */
  readonly #pollBackoff = new PollBackoff();

  constructor(store: AsyncLocalStorage<TaskContext>, onOther: (message: ToWorker) => void) {
    this.#store = store;
    this.#onOther = onOther;
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** Set once the start signal is set up (init). */
  set recordStart(record: (id: number) => void) {
    this.#recordStart = record;
  }

  /** Set at init on a thread worker the pool may take tasks back from (claim-word.ts). */
  set claim(claim: () => boolean) {
    this.#claim = claim;
  }

  // ------------------------------------------------------------------ the phase table

  /** The one place the phase changes (see the table at the top of this file). */
  on(event: RunnerEvent): void {
    switch (this.#phase) {
      case 'loading':
        if (event === 'ready') {
          this.#results.resume(); // the CPU spent loading is no task's
          this.#phase = 'draining'; // loading → draining
          this.#drain();
        } else if (event === 'init-failed') this.#phase = 'failed'; // loading → failed
        break;
      case 'idle':
        if (event === 'tasks-arrived') {
          this.#phase = 'draining'; // idle → draining
          this.#drain();
        }
        break;
      case 'draining':
        if (event === 'queue-empty')
          this.#phase = 'idle'; // draining → idle
        else if (event === 'task-async') this.#phase = 'awaiting'; // draining → awaiting
        break;
      case 'awaiting':
        if (event === 'task-settled') {
          this.#phase = 'draining'; // awaiting → draining
          this.#drain();
        }
        break;
      case 'failed':
        break;
    }
  }

  // ------------------------------------------------------------------ messages

  /**
   * A 'run' batch arrived (with the trace contexts of its traced tasks and the function table
   * entries it may use that the worker has not had, if any).
   */
  tasks(batch: unknown[], traces?: unknown[], functions?: unknown[]): void {
    if (functions !== undefined) this.#queue.define(functions);
    if (traces !== undefined) this.traceContexts(traces);
    this.#queue.push(batch);
    this.#forgetStaleCancels();
    this.on('tasks-arrived');
  }

  // After a batch (or the batches read together) is queued. A cancel may come before its task
  // (the pool can withdraw a task it assigned in the dispatch that is about to send it), but never
  // more than one message before: so once the next batch is in, a cancelled id that is not queued
  // belongs to a task that already ran (or was dropped, or was never sent) and is forgotten,
  // instead of being kept for a task that never comes.
  #forgetStaleCancels(): void {
    const cancelled = this.#cancelled;
    if (cancelled.size === 0) return;
    for (const id of cancelled) if (!this.#queue.has(id)) cancelled.delete(id);
  }

  /** Ids of withdrawn tasks kept until they come up (see #forgetStaleCancels). */
  get cancelledCount(): number {
    return this.#cancelled.size;
  }

  /** The 'run' batches read in one go from a process worker's channel (batch-joiner.ts), as one. */
  joinedTasks(batches: readonly unknown[][]): void {
    for (let i = 0; i < batches.length; i++) this.#queue.push(batches[i]!);
    this.#forgetStaleCancels();
    this.on('tasks-arrived');
  }

  /** Learn function table entries (a 'run' message's `f`), before the batch that uses them. */
  functions(entries: unknown[]): void {
    this.#queue.define(entries);
  }

  /** Keep the trace contexts of a 'run' message's traced tasks (by task id, until each runs). */
  traceContexts(traces: unknown[]): void {
    (this.#traces ??= new TraceContexts()).add(traces);
  }

  /** The pool withdrew a task it had sent: skip it if it has not started. */
  cancel(id: number): void {
    this.#cancelled.add(id);
  }

  /** The pool gave up on a task: signal it if it is running, else skip it. */
  abort(id: number): void {
    const ctx = this.#current;
    if (ctx !== undefined && ctx.id === id) {
      ctx.aborted = true;
      ctx.reason = new Error('The task was aborted by the pool');
      ctx.controller?.abort(ctx.reason);
    } else {
      this.#cancelled.add(id);
    }
  }

  /** Send the results held now (before the worker exits). */
  flush(): void {
    this.#results.flush();
  }

  // ------------------------------------------------------------------ draining

  #drain(): void {
    const turn = performance.now(); // the event loop (or a settled task's callback) ran just now
    for (;;) {
      if (!this.#runQueued()) return; // an async task took over (→ awaiting)
      this.#results.flush();
      if (performance.now() - turn >= SPIN_TURN_MS || !this.#spinForMore()) break;
    }
    this.on('queue-empty');
  }

  /** Run the queued tasks; false when one returned a promise (the runner then awaits it). */
  #runQueued(): boolean {
    const queue = this.#queue;
    const results = this.#results;
    while (queue.take()) {
      const id = queue.id;
      const flags = queue.flags;
      const ahead = this.#ahead;
      this.#ahead = -1;
      // queued → revoked: the pool took it back (and queued it again) before it was claimed.
      if (!(ahead === -1 ? this.#claim() : ahead === 1)) {
        if (this.#cancelled.size > 0) this.#cancelled.delete(id);
        if ((flags & FLAG_TRACED) !== 0) this.#traces?.drop(id);
        continue;
      }
      // queued → skipped
      if (this.#cancelled.size > 0 && this.#cancelled.delete(id)) {
        if ((flags & FLAG_TRACED) !== 0) this.#traces?.drop(id);
        results.pushNone(id, STATUS_SKIPPED, undefined, now());
        continue;
      }
      // queued → started: recorded before the task's first line runs.
      this.#recordStart(id);
      const watched = (flags & FLAG_WATCHED) !== 0;
      if (watched) results.flush();
      const start = now();
      const fn = resolveTask(queue.mod, queue.name);
      if (typeof fn !== 'function') {
        if ((flags & FLAG_TRACED) !== 0) this.#traces?.drop(id);
        results.pushNone(id, fn.status, fn.value, start);
        continue;
      }
      let args = queue.args;
      if ((flags & FLAG_SHARED) !== 0) args = reviveArgs(args, 0);
      const ctx: TaskContext = { id, controller: undefined, aborted: false, reason: undefined };
      this.#current = ctx;
      let value: unknown;
      let status = STATUS_OK;
      try {
        value =
          (flags & FLAG_TRACED) === 0 || this.#traces === undefined
            ? this.#store.run(ctx, invoke, fn, args, flags)
            : this.#traces.runIn(id, this.#runTask, ctx, fn, args, flags);
      } catch (error) {
        status = STATUS_ERROR;
        value = error;
      }
      if (status === STATUS_OK && isThenable(value)) {
        // started → running asynchronously: nothing else runs until it settles.
        results.flush();
        const from = results.asyncFrom(start, now());
        Promise.resolve(value).then(
          (v) => this.#settleAsync(id, flags, ctx, STATUS_OK, v, start, from),
          (error: unknown) => this.#settleAsync(id, flags, ctx, STATUS_ERROR, error, start, from),
        );
        this.on('task-async');
        return false;
      }
      // started → settled
      if (this.#current === ctx) this.#current = undefined;
      const end = now();
      results.pushSync(
        id,
        status,
        status === STATUS_ERROR ? flattenError(value, clone) : value,
        start,
        end,
      );
      if (watched || results.due(end)) this.#send();
    }
    return true;
  }

  readonly #runTask = (
    ctx: TaskContext,
    fn: Parameters<typeof invoke>[0],
    args: unknown,
    flags: number,
  ): unknown => this.#store.run(ctx, invoke, fn, args, flags);

  #settleAsync(
    id: number,
    flags: number,
    ctx: TaskContext,
    status: number,
    value: unknown,
    start: number,
    from: number,
  ): void {
    if (this.#current === ctx) this.#current = undefined;
    this.#results.pushAsync(
      id,
      status,
      status === STATUS_ERROR ? flattenError(value, clone) : value,
      start,
      from,
    );
    if ((flags & FLAG_WATCHED) !== 0 || this.#results.due(now())) this.#send();
    this.on('task-settled');
  }

  // The next task starts right after this, with no event-loop turn between: record its start
  // before the pool hears of these results, since the pool then counts it as running.
  #send(): void {
    this.announceNext();
    this.#results.flush();
  }

  /** Claim the task the worker runs next, if there is one, and record its start. */
  announceNext(): void {
    const next = this.#queue.peekId();
    if (next === -1 || this.#ahead !== -1) return;
    this.#ahead = this.#claim() ? 1 : 0;
    if (this.#ahead === 1) this.#recordStart(next);
  }

  /** Poll the port briefly (threads); true when new tasks arrived. */
  #spinForMore(): boolean {
    if (!this.#canPollPort || !this.#pollBackoff.shouldPoll()) return false;
    const port = parentPort!;
    const until = performance.now() + SPIN_MS;
    do {
      let received: { message: unknown } | undefined;
      try {
        received = receiveMessageOnPort(port);
      } catch (error) {
        // Deno's parentPort is not a MessagePort its receiveMessageOnPort accepts (it throws before
        // taking anything off the port): stop polling and wait for the next message as an event.
        this.#canPollPort = false;
        if (error instanceof TypeError) return false;
        throw error;
      }
      if (received !== undefined) {
        const message = received.message as ToWorker;
        if (message.t !== 'run') {
          this.#onOther(message);
          return !this.#queue.empty;
        }
        if (message.f !== undefined) this.#queue.define(message.f);
        if (message.c !== undefined) this.traceContexts(message.c);
        this.#queue.push(message.b);
        this.#forgetStaleCancels();
        this.#pollBackoff.hit();
        return true;
      }
    } while (performance.now() < until);
    this.#pollBackoff.miss();
    return false;
  }
}
