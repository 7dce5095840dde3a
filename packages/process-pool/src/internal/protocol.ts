// The wire protocol between the pool (main side) and its worker runtime. Tasks travel in batches
// as flat arrays (one message for many tasks, one for many results): the batching is where the
// speed comes from, and flat arrays are the cheapest shape for both structured clone and the
// advanced serialization of child processes.

/** Task flags, a bit set. */
export const FLAG_WATCHED = 1; // has a timeout or signal: the worker reports it promptly, never batched behind others
export const FLAG_SHARED = 2; // args contain wrapped shared primitives to revive
export const FLAG_MAP = 4; // args is a chunk of items: result is items.map(fn)
export const FLAG_STARMAP = 8; // args is a chunk of argument lists: result is items.map(a => fn(...a))

/** Number of array slots per task in a `run` batch: id, module index, export name, args, flags. */
export const TASK_STRIDE = 5;
/** Number of array slots per result in a `done` batch: id, status, value, start, end, cpuMs. */
export const RESULT_STRIDE = 6;

export const STATUS_OK = 0;
export const STATUS_ERROR = 1;
export const STATUS_SKIPPED = 2;

export interface InitMessage {
  readonly t: 'init';
  readonly workerId: number;
  readonly kind: 'thread' | 'process';
  readonly modules: readonly string[];
  readonly initializer: readonly [number, string] | null;
  readonly initArgs: readonly unknown[];
  /** A module that fails to load fails the worker's start (pool started with minWorkers > 0). */
  readonly strictModules: boolean;
}

export interface RunMessage {
  readonly t: 'run';
  readonly b: unknown[];
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

export type ToWorker = InitMessage | RunMessage | AbortMessage | CancelMessage | ExitMessage;

export interface ReadyMessage {
  readonly t: 'ready';
  readonly pid: number;
  readonly threadId: number;
}

export interface InitErrorMessage {
  readonly t: 'init-error';
  readonly phase: 'module' | 'initializer';
  readonly module: string | undefined;
  readonly error: unknown;
}

export interface DoneMessage {
  readonly t: 'done';
  readonly r: unknown[];
}

export type FromWorker = ReadyMessage | InitErrorMessage | DoneMessage;

/** Key of the per-thread worker context that `currentWorker()` reads (set by the worker runtime). */
export const CONTEXT_KEY: unique symbol = Symbol.for('weft.process-pool.context') as never;

/** Marker property of a wrapped shared primitive inside task args. */
export const SHARED_MARK = '__weftSharedHandle__';
