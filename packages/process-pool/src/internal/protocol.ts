// The wire protocol between the pool (main side) and its worker runtime. Tasks travel in batches
// as flat arrays (one message for many tasks, one for many results): the batching is where the
// speed comes from, and flat arrays are the cheapest shape for both structured clone and the
// advanced serialization of child processes.

/** Task flags, a bit set. */
export const FLAG_WATCHED = 1; // has a timeout or signal: the worker reports it promptly, never batched behind others
export const FLAG_SHARED = 2; // args contain wrapped shared primitives to revive
export const FLAG_MAP = 4; // args is a chunk of items: result is items.map(fn)
export const FLAG_STARMAP = 8; // args is a chunk of argument lists: result is items.map(a => fn(...a))
export const FLAG_TRACED = 16; // its W3C trace context travels in the run message's `c` (telemetry.ts)
// On the wire only: the args slot holds the task's one argument itself, not an array of it (an
// array per task costs both serializers an object each; most tasks take one argument).
export const FLAG_ONE = 32;

/**
 * Number of array slots per task in a `run` batch: id, function number (its entry in the pool's
 * function table, function-table.ts; or, for a call by a name the table has no room for, the name
 * itself), args, flags.
 */
export const TASK_STRIDE = 4;
/** Number of array slots per result in a `done` batch's `r`: id, status, value. */
export const RESULT_STRIDE = 3;
/** Numbers per result in a `done` batch's `x`: start, end, cpuMs. */
export const TIMES_STRIDE = 3;

export const STATUS_OK = 0;
export const STATUS_ERROR = 1;
export const STATUS_SKIPPED = 2;
/** A task module failed to load: value is `[module index, flattened load error]`. */
export const STATUS_MODULE_ERROR = 3;
/** No task module exports the name: value is the name. */
export const STATUS_NOT_FOUND = 4;
/** The result (or thrown error) could not be sent: value is `[position, flattened serializer error]`. */
export const STATUS_NOT_SENDABLE = 5;

export interface InitMessage {
  readonly t: 'init';
  readonly workerId: number;
  readonly kind: 'thread' | 'process';
  readonly modules: readonly string[];
  readonly initializer: readonly [number, string] | null;
  readonly initArgs: readonly unknown[];
  /** initArgs contain wrapped shared primitives or remote handles to revive. */
  readonly initShared: boolean;
  /** A module that fails to load fails the worker's start (pool started with minWorkers > 0). */
  readonly strictModules: boolean;
  /** Thread workers: the claim word (claim-word.ts), which is also their start record. */
  readonly claimCell?: SharedArrayBuffer;
  /** Thread workers of a program run under tsx: the file of `tsx/esm/api`, to register first. */
  readonly tsxApi?: string;
}

export interface RunMessage {
  readonly t: 'run';
  readonly b: unknown[];
  /**
   * The trace contexts of the batch's FLAG_TRACED tasks, flat: task id, W3C `traceparent`,
   * `tracestate` (`''` for none). Absent when no task of the batch is traced.
   */
  readonly c?: unknown[];
  /**
   * Function table entries the worker has not been sent yet, flat: module index, export name,
   * numbered on from the entries it has (function-table.ts). Absent when it has them all.
   */
  readonly f?: unknown[];
}

/** A `run` message for batch `b`, with the trace contexts `c` and table entries `f` if any. */
export function runMessageOf(
  b: unknown[],
  c: unknown[] | undefined,
  f: unknown[] | undefined,
): RunMessage {
  if (c === undefined) return f === undefined ? { t: 'run', b } : { t: 'run', b, f };
  return f === undefined ? { t: 'run', b, c } : { t: 'run', b, c, f };
}

export interface AbortMessage {
  readonly t: 'abort';
  readonly id: number;
}

export interface CancelMessage {
  readonly t: 'cancel';
  readonly id: number;
}

export interface ExitMessage {
  readonly t: 'exit';
}

/**
 * The pool's answers to {@link CallsMessage} calls, batched per event-loop turn as flat triples:
 * call id, ok, value (the value, or a flattened error).
 */
export interface RepliesMessage {
  readonly t: 'replies';
  readonly b: unknown[];
}

/** Number of array slots per reply in a `replies` batch: call id, ok, value. */
export const REPLY_STRIDE = 3;

export type ToWorker =
  InitMessage | RunMessage | AbortMessage | CancelMessage | ExitMessage | RepliesMessage;

export interface ReadyMessage {
  readonly t: 'ready';
  readonly pid: number;
  readonly threadId: number;
  /** Whether the worker can record task starts (start-signal.ts); if not, the pool assumes every task it held may have run. */
  readonly starts: boolean;
}

export interface InitErrorMessage {
  readonly t: 'init-error';
  readonly phase: 'module' | 'initializer';
  readonly module: string | undefined;
  readonly error: unknown;
}

/**
 * A batch of results. The times go in a typed array beside the values: in a plain array each
 * fractional time would be a heap number of its own on the pool's side (three per result, about
 * 70 bytes per task with their slots); in a Float64Array they are copied as bytes.
 */
export interface DoneMessage {
  readonly t: 'done';
  /** RESULT_STRIDE slots per result. */
  readonly r: unknown[];
  /** TIMES_STRIDE numbers per result, in the order of `r`. */
  readonly x: Float64Array;
}

/**
 * Asynchronous method calls on objects the pool holds for a process worker (a Queue, a
 * JoinableQueue or a pipe Connection), batched per microtask as flat quintuples: call id (they
 * only grow), task id, object id, method, args.
 */
export interface CallsMessage {
  readonly t: 'calls';
  readonly b: unknown[];
}

/** Number of array slots per call in a `calls` batch: call id, task id, object id, method, args. */
export const CALL_STRIDE = 5;

/** The worker gave up on call `c` (its signal fired): abort the pool-side wait. Sent after the call. */
export interface CallAbortMessage {
  readonly t: 'call-abort';
  readonly c: number;
}

export type FromWorker =
  ReadyMessage | InitErrorMessage | DoneMessage | CallsMessage | CallAbortMessage;

/** Key of the per-thread worker context that `currentWorker()` reads (set by the worker runtime). */
export const CONTEXT_KEY: unique symbol = Symbol.for('weft.process-pool.context') as never;

/** Marker property of a wrapped shared primitive inside task args. */
export const SHARED_MARK = '__weftSharedHandle__';

/** Marker property of a remote handle (an object the pool holds for a process worker) in task args. */
export const REMOTE_MARK = '__weftRemoteHandle__';

/**
 * The file descriptor of a process worker's synchronous call channel: a socket pair opened by
 * `fork` after the IPC slot (stdio index 4), on which blocking calls go as length-prefixed frames
 * of a v8-serialized `[task id, object id, method, args, last async call id posted before it]`;
 * the pool serves a frame only once it has started every async call up to that id, so a blocking
 * call never overtakes an earlier async one (they travel on different channels).
 */
export const SYNC_FD = 4;
