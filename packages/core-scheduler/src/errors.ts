// The scheduler's error classes: one base class and one subclass per failure, each with a
// stable `code` that callers and tests can branch on (message text may change).
import { describeValue } from './internal/describe-value.js';

/**
 * Base class of every error thrown by `@weft/core-scheduler`.
 *
 * @example
 * ```ts
 * try {
 *   await scheduler.schedule({ fn: work, timeout: 100 });
 * } catch (error) {
 *   if (error instanceof SchedulerError) console.log(error.code);
 * }
 * ```
 */
export class SchedulerError extends Error {
  override readonly name: string = 'SchedulerError';
  /** Stable machine-readable code. */
  readonly code: string = 'ERR_WEFT_SCHEDULER';
}

/**
 * An option had a value outside what is allowed; thrown before any work starts.
 *
 * `@weft/distributed` uses the same name for the same condition (an option value that is not
 * allowed); the `code` tells them apart.
 *
 * @example
 * ```ts
 * try {
 *   new Scheduler({ concurrency: -1 });
 * } catch (error) {
 *   if (error instanceof InvalidOptionError) console.log(error.option); // 'concurrency'
 * }
 * ```
 */
export class InvalidOptionError extends SchedulerError {
  override readonly name: string = 'InvalidOptionError';
  override readonly code = 'ERR_WEFT_INVALID_OPTION' as const;
  /** Dotted path of the offending option, e.g. `retry.attempts`. */
  readonly option: string;

  /**
   * @param option - Dotted path of the offending option.
   * @param given - The value that was passed.
   * @param allowed - What is allowed, in words.
   */
  constructor(option: string, given: unknown, allowed: string) {
    super(`Invalid option "${option}": got ${describeValue(given)}; allowed: ${allowed}.`);
    this.option = option;
  }
}

/**
 * One attempt of a task ran longer than its `timeout`; the attempt's signal was aborted.
 *
 * `@weft/process-pool` uses the same name for the same condition (a task outran its `timeout`) in
 * a pool; the `code` tells them apart.
 *
 * @example
 * ```ts
 * await scheduler.schedule({ fn: slow, timeout: 50 }).catch((error: unknown) => {
 *   if (error instanceof TaskTimeoutError) console.log(error.timeout); // 50
 * });
 * ```
 */
export class TaskTimeoutError extends SchedulerError {
  override readonly name: string = 'TaskTimeoutError';
  override readonly code = 'ERR_WEFT_TASK_TIMEOUT' as const;
  /** The timeout that elapsed, in ms. */
  readonly timeout: number;

  /**
   * @param task - The task's name.
   * @param timeout - The per-attempt timeout in ms.
   */
  constructor(task: string, timeout: number) {
    super(
      `Task "${task}" did not settle within its timeout of ${timeout} ms (per attempt, counted from its dispatch to the executor).`,
    );
    this.timeout = timeout;
  }
}

/**
 * A task was not finished (queued, running or waiting to retry) when its `deadline` passed.
 *
 * @example
 * ```ts
 * const deadline = Date.now() + 1000;
 * await scheduler.schedule({ fn: work, deadline }).catch((error: unknown) => {
 *   if (error instanceof DeadlineExceededError) console.log('too late');
 * });
 * ```
 */
export class DeadlineExceededError extends SchedulerError {
  override readonly name: string = 'DeadlineExceededError';
  override readonly code = 'ERR_WEFT_DEADLINE_EXCEEDED' as const;
  /** The deadline as given: ms since the epoch, on the `Date.now()` clock. */
  readonly deadline: number;

  /**
   * @param task - The task's name.
   * @param deadline - The absolute deadline, ms since the epoch.
   */
  constructor(task: string, deadline: number) {
    super(
      `Task "${task}" was not finished by its deadline (${isoTime(deadline)}); the deadline covers queueing, every attempt and backoff, so give a later one or fewer retries.`,
    );
    this.deadline = deadline;
  }
}

/**
 * The task's `signal` aborted; `cause` is the signal's reason.
 *
 * `@weft/process-pool` uses the same name for the same condition (the caller cancelled the task,
 * there with `Future.cancel()`); the `code` tells them apart.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * const result = scheduler.schedule({ fn: work, signal: controller.signal });
 * controller.abort();
 * await result.catch((error: unknown) => console.log(error instanceof TaskCancelledError)); // true
 * ```
 */
export class TaskCancelledError extends SchedulerError {
  override readonly name: string = 'TaskCancelledError';
  override readonly code = 'ERR_WEFT_TASK_CANCELLED' as const;

  /**
   * @param task - The task's name.
   * @param options - `cause`: the abort reason.
   */
  constructor(task: string, options?: ErrorOptions) {
    const reason =
      options !== undefined && 'cause' in options ? `: ${describeReason(options.cause)}` : '';
    super(`Task "${task}" was cancelled by its signal${reason}.`, options);
  }
}

/**
 * Every allowed attempt of a task failed; `errors` keeps each attempt's error in order and `cause`
 * is the last one.
 *
 * @example
 * ```ts
 * await scheduler.schedule({ fn: flaky, retry: { attempts: 3 } }).catch((error: unknown) => {
 *   if (error instanceof RetryExhaustedError) console.log(error.errors.length); // 3
 * });
 * ```
 */
export class RetryExhaustedError extends SchedulerError {
  override readonly name: string = 'RetryExhaustedError';
  override readonly code = 'ERR_WEFT_RETRY_EXHAUSTED' as const;
  /** Each attempt's error, first attempt first. */
  readonly errors: readonly unknown[];

  /**
   * @param task - The task's name.
   * @param errors - Each attempt's error, in order.
   */
  constructor(task: string, errors: readonly unknown[]) {
    const last = errors[errors.length - 1];
    super(
      `Task "${task}" failed on all ${errors.length} attempts its retry policy allows (retry.attempts); last error: ${describeReason(last)}.`,
      { cause: last },
    );
    this.errors = errors;
  }
}

/**
 * The scheduler is closed (or closing) and accepts no new task; also given to queued tasks when
 * `close({ cancelPending: true })` drops them.
 *
 * @example
 * ```ts
 * await scheduler.close();
 * await scheduler.schedule({ fn: work }).catch((error: unknown) => {
 *   console.log(error instanceof SchedulerClosedError); // true
 * });
 * ```
 */
export class SchedulerClosedError extends SchedulerError {
  override readonly name: string = 'SchedulerClosedError';
  override readonly code = 'ERR_WEFT_SCHEDULER_CLOSED' as const;

  /**
   * @param task - The task's name.
   */
  constructor(task: string) {
    super(
      `Task "${task}" was not run: the scheduler is closed; schedule tasks before close(), or on a new Scheduler.`,
    );
  }
}

/**
 * The task was queued (not yet started) when `scheduler.clear()` dropped the queue; it never ran.
 *
 * @example
 * ```ts
 * const result = scheduler.schedule({ fn: work });
 * scheduler.clear();
 * await result.catch((error: unknown) => {
 *   console.log(error instanceof TaskClearedError); // true if it had not started
 * });
 * ```
 */
export class TaskClearedError extends SchedulerError {
  override readonly name: string = 'TaskClearedError';
  override readonly code = 'ERR_WEFT_TASK_CLEARED' as const;

  /**
   * @param task - The task's name.
   */
  constructor(task: string) {
    super(
      `Task "${task}" was not run: scheduler.clear() dropped it from the queue before it started; schedule it again to run it.`,
    );
  }
}

/**
 * A queued task was dropped to make room for a newer one (`onFull: 'drop-oldest'` or
 * `'drop-lowest'` with `maxPending` reached); it never ran.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler({ maxPending: 100, onFull: 'drop-oldest' });
 * await scheduler.schedule({ fn: work }).catch((error: unknown) => {
 *   if (error instanceof TaskDroppedError) console.log('dropped for newer work');
 * });
 * ```
 */
export class TaskDroppedError extends SchedulerError {
  override readonly name: string = 'TaskDroppedError';
  override readonly code = 'ERR_WEFT_TASK_DROPPED' as const;

  /**
   * @param task - The task's name.
   * @param maxPending - The scheduler's `maxPending`.
   * @param onFull - The strategy that dropped it.
   */
  constructor(task: string, maxPending: number, onFull: 'drop-oldest' | 'drop-lowest') {
    super(
      `Task "${task}" was dropped before it started: ${maxPending} tasks were queued (maxPending: ${maxPending}) and a newer task came with onFull: '${onFull}'; schedule it again, or use onFull: 'wait' to keep every task.`,
    );
  }
}

/**
 * No unsettled task has the id given (never scheduled with it, or already settled).
 *
 * Formerly `TaskNotFoundError`: `@weft/process-pool` uses that name for another condition
 * (no task export of that name), so this class took a name of its own; the old name is still
 * exported, deprecated, as an alias of this class. Its `code` did not change.
 *
 * @example
 * ```ts
 * try {
 *   scheduler.setPriority('invoice-42', 10);
 * } catch (error) {
 *   if (error instanceof TaskIdNotFoundError) console.log(error.id); // 'invoice-42'
 * }
 * ```
 */
export class TaskIdNotFoundError extends SchedulerError {
  override readonly name: string = 'TaskIdNotFoundError';
  override readonly code = 'ERR_WEFT_TASK_NOT_FOUND' as const;
  /** The id that was looked up. */
  readonly id: string;

  /**
   * @param id - The id that was looked up.
   */
  constructor(id: string) {
    super(
      `No unsettled task has id "${id}": it was never scheduled with that id, or has settled already; ids are known from schedule() until the task settles.`,
    );
    this.id = id;
  }
}

/**
 * The old name of {@link TaskIdNotFoundError}: the same class, so `instanceof` checks written with
 * either name match the same errors.
 *
 * @deprecated Use {@link TaskIdNotFoundError}; this name will be removed in a later minor release.
 *
 * @example
 * ```ts
 * try {
 *   scheduler.setPriority('invoice-42', 10);
 * } catch (error) {
 *   console.log(error instanceof TaskNotFoundError); // true (a TaskIdNotFoundError)
 * }
 * ```
 */
export const TaskNotFoundError: typeof TaskIdNotFoundError = TaskIdNotFoundError;
/** @deprecated Use {@link TaskIdNotFoundError}. */
export type TaskNotFoundError = TaskIdNotFoundError;

/**
 * `maxPending` tasks are already queued and the task asked to be rejected (`onFull: 'reject'`)
 * rather than wait for room.
 *
 * The same name, for the same condition (a bounded queue has no room for one more item), is used
 * by `@weft/sync-primitives` (a `Queue`'s `maxsize`) and `@weft/process-pool` (its task queue,
 * `maxQueue`); the `code` tells the three apart.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler({ maxPending: 100, onFull: 'reject' });
 * await scheduler.schedule({ fn: work }).catch((error: unknown) => {
 *   if (error instanceof QueueFullError) console.log(error.maxPending); // 100
 * });
 * ```
 */
export class QueueFullError extends SchedulerError {
  override readonly name: string = 'QueueFullError';
  override readonly code = 'ERR_WEFT_SCHEDULER_QUEUE_FULL' as const;
  /** The limit that was reached. */
  readonly maxPending: number;

  /**
   * @param task - The task's name.
   * @param maxPending - The limit that was reached.
   */
  constructor(task: string, maxPending: number) {
    super(
      `Task "${task}" was rejected: ${maxPending} tasks are already pending (maxPending: ${maxPending}); pass onFull: 'wait' to wait for room, or await scheduler.ready() before scheduling.`,
    );
    this.maxPending = maxPending;
  }
}

/**
 * The executor itself failed: it threw instead of taking the task, or rejected with its own error
 * (a pool worker that crashed, a broken pool; see `ExecutorOptions.isFailure`); `executor` names it
 * and `cause` is what it reported.
 *
 * @example
 * ```ts
 * await scheduler.schedule({ fn: task, kind: 'cpu' }).catch((error: unknown) => {
 *   if (error instanceof ExecutorFailedError) console.log(error.executor, error.cause); // 'cpu', …
 * });
 * ```
 */
export class ExecutorFailedError extends SchedulerError {
  override readonly name: string = 'ExecutorFailedError';
  override readonly code = 'ERR_WEFT_EXECUTOR_FAILED' as const;
  /** The executor's name in the scheduler (`'cpu'` or `'io'`). */
  readonly executor: string;

  /**
   * @param task - The task's name.
   * @param executor - The executor's name.
   * @param options - `cause`: the executor's error.
   */
  constructor(task: string, executor: string, options?: ErrorOptions) {
    const detail = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`Executor "${executor}" failed while running task "${task}"${detail}`, options);
    this.executor = executor;
  }
}

/** An abort reason or error in a few words, for messages. */
function describeReason(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  if (reason === undefined) return 'no reason given';
  return describeValue(reason);
}

function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
