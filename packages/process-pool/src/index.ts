// @weft/process-pool: worker threads or child processes behind Python's Pool and
// concurrent.futures APIs. The only public entry point.
export { Pool } from './pool.js';
export type {
  AnyTaskModule,
  PoolEvents,
  PoolStats,
  TaskArgs,
  TaskName,
  TaskQueuedEvent,
  TaskResult,
  TaskSettledEvent,
  TaskStartedEvent,
  WorkerExitedEvent,
  WorkerSpawnedEvent,
} from './pool.js';
export type {
  ApplyAsyncOptions,
  ImapOptions,
  MapOptions,
  PoolOptions,
  PoolTelemetryOptions,
  TaskOptions,
  TaskSettleInfo,
  TaskStartInfo,
  WorkerKind,
} from './pool-options.js';
export { AsyncResult } from './async-result.js';
export { Future, asCompleted, wait } from './future.js';
export type { Completed, ReturnWhen, WaitResult } from './future.js';
export { currentWorker } from './current-worker.js';
export type { WorkerInfo } from './current-worker.js';
export {
  ArgumentNotSendableError,
  NotInWorkerError,
  PoolBrokenError,
  PoolClosedError,
  PoolOptionRangeError,
  PoolOptionTypeError,
  PoolTerminatedError,
  ProcessPoolError,
  QueueFullError,
  ResultNotReadyError,
  ResultNotSendableError,
  TaskAbortedError,
  TaskCancelledError,
  TaskModuleLoadError,
  TaskNotFoundError,
  TaskTimeoutError,
  TypeScriptUnsupportedError,
  UnsupportedRuntimeError,
  WaitTimeoutError,
  WorkerExitedError,
  WorkerInitError,
  WorkerStartError,
  WorkerProtocolError,
} from './errors.js';
export type { WorkerExitDetails } from './errors.js';
