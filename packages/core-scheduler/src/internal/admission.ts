// Admission: a task is checked, given its record and promise, and queued; under `maxPending` it
// waits in the waiting room (arrival order) or makes room by the `onFull` strategy.
import {
  DeadlineExceededError,
  InvalidOptionError,
  QueueFullError,
  SchedulerClosedError,
  TaskCancelledError,
  TaskDroppedError,
} from '../errors.js';
import type { OnFull, Task } from '../task.js';
import { MAX_TIMER } from './long-timer.js';
import type { RunLoop } from './run-loop.js';
import { Fifo } from './fifo.js';
import { REMOVED } from './priority-queue.js';
import { Extras, TaskRecord } from './task-record.js';
import { validateTaskOptions } from './validate.js';

const EMPTY_ARGS: readonly unknown[] = Object.freeze([]);

const unset = (): void => undefined;
let capturedResolve: (value: unknown) => void = unset;
// Only `resolve` is kept (a rejection goes through it too, see task-record.ts): the `reject`
// function V8 makes beside it is then garbage at once instead of 64 bytes held per queued task.
function captureResolve(resolve: (value: never) => void): void {
  capturedResolve = resolve as (value: unknown) => void;
}

export function admit<A extends readonly unknown[], R>(
  loop: RunLoop,
  task: Task<A, R>,
): Promise<Awaited<R>> {
  try {
    if (typeof task !== 'object' || task === null)
      throw new InvalidOptionError('task', task, 'an object { fn, args?, ...TaskOptions }');
    validateTaskOptions(task);
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an InvalidOptionError
    return Promise.reject(error);
  }
  const fn = task.fn as (...args: readonly unknown[]) => unknown;
  const name = task.name ?? (fn.name || 'anonymous');
  if (loop.closed) return Promise.reject(new SchedulerClosedError(name));
  const signal = task.signal;
  if (signal?.aborted)
    return Promise.reject(new TaskCancelledError(name, { cause: signal.reason }));
  const deadline = task.deadline;
  // Deadlines are wall-clock (epoch ms, like Date.now()); the performance clock drifts from it.
  if (deadline !== undefined && deadline <= Date.now())
    return Promise.reject(new DeadlineExceededError(name, deadline));
  const givenTimeout = task.timeout ?? loop.timeout;
  const timeout = givenTimeout === Infinity ? undefined : givenTimeout;
  const retry = task.retry !== undefined && task.retry.attempts > 1 ? task.retry : undefined;
  const finiteDeadline = deadline === Infinity ? undefined : deadline;
  const telemetry = loop.telemetry;
  const extras =
    timeout === undefined &&
    finiteDeadline === undefined &&
    signal === undefined &&
    retry === undefined &&
    (telemetry === undefined || !telemetry.wants())
      ? undefined
      : new Extras(timeout, finiteDeadline, signal, retry);
  const givenId = task.id;
  if (givenId !== undefined && loop.byId.has(givenId)) {
    return Promise.reject(
      new InvalidOptionError('id', givenId, 'an id that no unsettled task of this scheduler has'),
    );
  }
  const record = new TaskRecord(
    givenId ?? ++loop.nextId,
    fn,
    (task.args as readonly unknown[] | undefined) ?? EMPTY_ARGS,
    name,
    task.kind ?? loop.defaultKind,
    task.priority ?? 0,
    task.weight ?? 1,
    extras,
  );
  if (record.weight !== 1) {
    if (record.weight > loop.concurrency) {
      return Promise.reject(
        new InvalidOptionError(
          'weight',
          record.weight,
          `at most concurrency (${loop.concurrency})`,
        ),
      );
    }
    loop.weighted = true;
  }
  if (loop.queued >= loop.maxPending) {
    const refused = makeRoom(loop, record, task.onFull ?? loop.onFull);
    if (refused !== undefined) return Promise.reject(refused);
  }
  const observed = loop.hub.observed();
  record.lane = loop.route(record, observed);
  // Traced or measured: its span starts now, a child of the caller's context.
  if (telemetry !== undefined && extras !== undefined) extras.t = telemetry.submitted(record);
  // One shared executor function instead of a closure per task (Node 20 lacks
  // Promise.withResolvers): it runs synchronously, so the captured function is this promise's.
  const promise = new Promise<Awaited<R>>(captureResolve);
  record.resolve = capturedResolve;
  capturedResolve = unset; // hold no settled task's promise
  loop.active++;
  loop.tally.accept();
  if (givenId !== undefined) loop.byId.set(givenId, record);
  if (loop.queued >= loop.maxPending) loop.waitingRoom.push(record);
  else loop.enqueue(record, observed);
  loop.idleFired = false;
  if (loop.hub.hasPerTask('add')) {
    loop.hub.fire('add', {
      id: record.id,
      name,
      priority: record.priority,
      kind: record.kind,
    });
  }
  if (extras !== undefined) {
    if (signal !== undefined) {
      extras.onAbort = () =>
        loop.cancel(record, new TaskCancelledError(name, { cause: signal.reason }), 'cancelled');
      signal.addEventListener('abort', extras.onAbort, { once: true });
    }
    if (finiteDeadline !== undefined) armDeadline(loop, record, extras, finiteDeadline);
  }
  // Started by this drain, it runs in the caller's context as it is; started later (from another
  // task's settlement or a timer), in the record's scope, the same context.
  const outer = loop.admitting;
  loop.admitting = record;
  try {
    loop.drain();
  } finally {
    loop.admitting = outer;
  }
  return promise;
}

function armDeadline(loop: RunLoop, record: TaskRecord, extras: Extras, deadline: number): void {
  // Timers count monotonic time but the deadline is wall-clock time (Date.now()): when the timer
  // fires, look at the wall clock again and wait for the rest if it was set back meanwhile.
  // setTimeout fires at once beyond 2^31−1 ms, so long waits go in steps.
  const left = deadline - Date.now();
  if (left <= 0) {
    extras.deadlineTimer = undefined;
    loop.cancel(record, new DeadlineExceededError(record.name, deadline), 'timeout');
    return;
  }
  extras.deadlineTimer = setTimeout(
    () => armDeadline(loop, record, extras, deadline),
    Math.min(left, MAX_TIMER),
  );
}

/**
 * The queues are full (`maxPending`) and `record` arrives: drops a queued task for it, or says
 * why it is refused. Returns the error to reject `record` with, or `undefined` to accept it
 * (queued if there is room now, else waiting).
 */
export function makeRoom(loop: RunLoop, record: TaskRecord, onFull: OnFull): Error | undefined {
  switch (onFull) {
    case 'wait':
      return undefined;
    case 'reject':
      return new QueueFullError(record.name, loop.maxPending);
    case 'drop-oldest':
    case 'drop-lowest': {
      // O(maxPending) scan: overflow is the rare path.
      let victim: TaskRecord | undefined;
      for (const lane of loop.lanes) {
        for (const queued of lane.queue.items()) {
          if (
            victim === undefined ||
            (onFull === 'drop-lowest' && queued.priority < victim.priority) ||
            ((onFull === 'drop-oldest' || queued.priority === victim.priority) &&
              queued.seq < victim.seq)
          ) {
            victim = queued;
          }
        }
      }
      if (victim === undefined || (onFull === 'drop-lowest' && victim.priority >= record.priority))
        return new QueueFullError(record.name, loop.maxPending);
      loop.cancel(victim, new TaskDroppedError(victim.name, loop.maxPending, onFull), 'cancelled');
      return undefined;
    }
    default:
      return onFull satisfies never;
  }
}

export class WaitingRoom {
  #items: Fifo<TaskRecord> = new Fifo<TaskRecord>();
  /** Records waiting (removed ones not counted). */
  count = 0;

  push(record: TaskRecord): void {
    this.#items.push(record);
    this.count++;
  }

  /** The oldest record still waiting, taken out; `undefined` if none. */
  shift(): TaskRecord | undefined {
    while (this.count > 0) {
      const record = this.#items.shift()!;
      if (record.seq === REMOVED) continue;
      this.count--;
      return record;
    }
    return undefined;
  }

  /** Takes a record out (cancelled while waiting); it is skipped lazily. */
  remove(record: TaskRecord): void {
    record.seq = REMOVED;
    this.count--;
    if (this.count === 0) this.#items = new Fifo<TaskRecord>();
  }

  /** The records waiting, oldest first. */
  snapshot(): TaskRecord[] {
    return this.#items.toArray().filter((record) => record.seq !== REMOVED);
  }
}
