// The error classes of @weft/process-pool: one base class, one subclass per failure, each with a
// stable `code` so callers branch on the code, never on message text.
// One file per theme under errors/; this module is the catalog users and the index import from.

export { ProcessPoolError } from './errors/base.js';
export {
  PoolClosedError,
  PoolTerminatedError,
  PoolBrokenError,
  QueueFullError,
  PoolOptionTypeError,
  PoolOptionRangeError,
  UnsupportedRuntimeError,
} from './errors/pool-errors.js';
export {
  WorkerExitedError,
  TaskModuleLoadError,
  TypeScriptUnsupportedError,
  WorkerInitError,
  WorkerStartError,
  WorkerProtocolError,
} from './errors/worker-errors.js';
export type { WorkerExitDetails } from './errors/worker-errors.js';
export {
  TaskTimeoutError,
  TaskAbortedError,
  TaskCancelledError,
  ArgumentNotSendableError,
  ResultNotSendableError,
  TaskNotFoundError,
  WaitTimeoutError,
  ResultNotReadyError,
  NotInWorkerError,
} from './errors/task-errors.js';
