// Watched attempts: tasks with a signal, timeout, deadline or retry policy, tasks on a pool or
// routed by `auto`, and every task while someone observes events. Starts them with the executor
// options they need, ends them by settlement or timeout, and retries them by policy.
import {
  DeadlineExceededError,
  ExecutorFailedError,
  RetryExhaustedError,
  TaskCancelledError,
  TaskTimeoutError,
} from '../errors.js';
import type { TaskFinishedEvent } from '../events.js';
import type { ExecutionSettle, ExecutionStart, ExecutorCallOptions } from '../executor.js';
import type { RetryPolicy } from '../task.js';
import { backoffDelay } from './backoff.js';
import { markedCallerMistake } from './executor-failure.js';
import { now } from './clock.js';
import type { Lane } from './lane.js';
import { LongTimer } from './long-timer.js';
import type { RunLoop } from './run-loop.js';
import { Attempt, type TaskRecord, transition } from './task-record.js';

export type Status = TaskFinishedEvent['status'];

function defaultRetryOn(error: unknown): boolean {
  return !(
    error instanceof TaskCancelledError ||
    error instanceof DeadlineExceededError ||
    // The executor refused the call for the caller's mistake: the same call fails the same way.
    markedCallerMistake(error)
  );
}

function shouldRetry(retry: RetryPolicy, error: unknown, attempt: number): boolean {
  try {
    return (retry.retryOn ?? defaultRetryOn)(error, attempt);
  } catch {
    return false;
  }
}

export class Attempts {
  readonly #loop: RunLoop;

  constructor(loop: RunLoop) {
    this.#loop = loop;
  }

  /** Hands a watched attempt to its executor (the caller has counted it as running). */
  start(record: TaskRecord, lane: Lane, observed: boolean): void {
    const loop = this.#loop;
    const extras = record.x;
    const attempt = new Attempt(record, lane, record.attempt);
    if (extras !== undefined) extras.current = attempt;
    const needsSignal =
      extras !== undefined &&
      (extras.signal !== undefined ||
        extras.deadline !== undefined ||
        extras.timeout !== undefined);
    if (observed) {
      attempt.slot = lane.takeSlot();
      attempt.dispatched = now();
    }
    const signal = needsSignal ? (attempt.controller = new AbortController()).signal : undefined;
    let options: ExecutorCallOptions | undefined;
    if (observed || record.kind === 'auto' || !lane.inline) {
      // Start/settle reports feed the timeline, auto routing and executor-failure detection.
      const callbacks = {
        onStart: (info: ExecutionStart) => this.#onStart(attempt, info),
        onSettle: (info: ExecutionSettle) => {
          attempt.settleInfo = info;
        },
      };
      options = signal === undefined ? callbacks : { ...callbacks, signal };
    } else if (signal !== undefined) {
      options = { signal };
    }
    if (extras?.timeout !== undefined) {
      const timeout = extras.timeout;
      attempt.timer = new LongTimer(
        () => this.#end(attempt, new TaskTimeoutError(record.name, timeout), 'timeout', true),
        timeout,
      );
    }
    const t = extras?.t;
    if (t !== undefined) loop.telemetry!.started(record, lane, t, loop.heldSince);
    let result: Promise<unknown>;
    try {
      result =
        t === undefined
          ? lane.executor.apply(record.fn, record.args, options)
          : loop.telemetry!.apply(t, lane.executor, record.fn, record.args, options);
      // A misbehaving executor must not break the scheduler: adopt whatever it returned.
      if (!(result instanceof Promise)) result = Promise.resolve(result);
    } catch (error) {
      // An executor that throws instead of taking the task has failed, unless it says the call
      // itself was the caller's mistake.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the executor's error, passed on as is
      result = Promise.reject(
        markedCallerMistake(error)
          ? error
          : new ExecutorFailedError(record.name, lane.name, { cause: error }),
      );
    }
    result.then(
      (value) => this.#settled(attempt, true, value),
      (error: unknown) => this.#settled(attempt, false, error),
    );
  }

  #onStart(attempt: Attempt, info: ExecutionStart): void {
    if (attempt.startInfo !== undefined) return;
    attempt.startInfo = info;
    if (attempt.over || attempt.slot < 0) return;
    const loop = this.#loop;
    const record = attempt.record;
    const event = {
      type: 'task:started' as const,
      time: info.time,
      id: record.id,
      name: record.name,
      pending: loop.pending,
      running: loop.running,
      attempt: attempt.number,
      executor: attempt.lane.name,
      lane: attempt.lane.laneInfo(attempt.slot, info),
    };
    loop.hub.emit(info.workerId === undefined ? event : { ...event, workerId: info.workerId });
  }

  #settled(attempt: Attempt, ok: boolean, value: unknown): void {
    const loop = this.#loop;
    const lane = attempt.lane;
    lane.running--;
    loop.running--;
    loop.slotsUsed -= attempt.record.weight;
    if (attempt.slot >= 0) lane.slots[attempt.slot] = false;
    if (!attempt.over) {
      const record = attempt.record;
      const info = attempt.settleInfo;
      if (record.kind === 'auto' && info?.cpuMs !== undefined)
        loop.router.learn(record.name, info.runMs - (info.blockedMs ?? 0), info.cpuMs);
      if (ok) {
        this.#end(attempt, value, 'fulfilled', false);
      } else {
        const error =
          !lane.inline && !(value instanceof ExecutorFailedError) && lane.isExecutorFailure(value)
            ? new ExecutorFailedError(record.name, lane.name, { cause: value })
            : value;
        this.#end(attempt, error, 'rejected', false);
      }
    }
    loop.drain();
  }

  /** Ends an attempt by its settlement or its timeout, then settles or retries its task. */
  #end(
    attempt: Attempt,
    valueOrError: unknown,
    status: 'fulfilled' | 'rejected' | 'timeout',
    abort: boolean,
  ): void {
    if (attempt.over) return;
    this.close(attempt, valueOrError, status, abort);
    if (status === 'fulfilled') this.#loop.finish(attempt.record, status, valueOrError);
    else this.#fail(attempt, valueOrError, status);
  }

  /** Marks an attempt over (once), aborts its signal if asked, and reports its span. */
  close(attempt: Attempt, valueOrError: unknown, status: Status, abort: boolean): void {
    attempt.over = true;
    attempt.timer?.clear();
    if (abort) attempt.controller?.abort(valueOrError);
    const record = attempt.record;
    const loop = this.#loop;
    if (record.x !== undefined) {
      record.x.current = undefined;
      const t = record.x.t;
      if (t !== undefined) loop.telemetry!.attemptOver(attempt.lane, t, status, valueOrError);
    }
    if (attempt.slot >= 0 && loop.hub.observed()) {
      const info = attempt.settleInfo;
      const event: TaskFinishedEvent = {
        type: 'task:finished',
        time: status === 'fulfilled' || status === 'rejected' ? (info?.time ?? now()) : now(),
        id: record.id,
        name: record.name,
        pending: loop.pending,
        running: loop.running,
        attempt: attempt.number,
        executor: attempt.lane.name,
        lane: attempt.lane.laneInfo(attempt.slot, attempt.startInfo),
        start: attempt.startInfo?.time ?? attempt.dispatched,
        status,
        ...(info?.cpuMs === undefined ? {} : { cpuMs: info.cpuMs }),
        ...(status === 'fulfilled' ? {} : { error: valueOrError }),
      };
      loop.hub.emit(event);
    }
  }

  #fail(attempt: Attempt, error: unknown, status: 'rejected' | 'timeout'): void {
    const loop = this.#loop;
    const record = attempt.record;
    const extras = record.x;
    const retry = extras?.retry;
    if (
      extras !== undefined &&
      retry !== undefined &&
      record.attempt < retry.attempts &&
      shouldRetry(retry, error, record.attempt)
    ) {
      (extras.errors ??= []).push(error);
      const delay = backoffDelay(retry.backoff, record.attempt);
      if (extras.t !== undefined) loop.telemetry!.retrying(extras.t, attempt.number, error, delay);
      if (loop.hub.observed() || loop.hub.has('retried')) {
        const event = {
          type: 'task:retried' as const,
          time: now(),
          id: record.id,
          name: record.name,
          pending: loop.pending,
          running: loop.running,
          attempt: attempt.number,
          delay,
          error,
        };
        loop.hub.emit(
          attempt.slot >= 0
            ? { ...event, lane: attempt.lane.laneInfo(attempt.slot, attempt.startInfo) }
            : event,
        );
      }
      if (delay > 0) {
        transition(record, 'backoff', loop.tally);
        extras.backoffTimer = new LongTimer(() => {
          extras.backoffTimer = undefined;
          loop.requeue(record);
        }, delay);
      } else {
        loop.requeue(record);
      }
      return;
    }
    const final =
      retry !== undefined && record.attempt >= retry.attempts
        ? new RetryExhaustedError(record.name, [...(extras?.errors ?? []), error])
        : error;
    loop.finish(record, status, final);
  }
}
