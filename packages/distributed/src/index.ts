// @weft/distributed: the same Weft tasks on many machines, through BullMQ and Redis.
export { BullMQExecutor } from './bullmq-executor.js';
export type {
  BullMQCallOptions,
  BullMQExecutorOptions,
  RemoteExecutionStart,
} from './bullmq-executor.js';
export { startWorker, DistributedWorker } from './worker.js';
export type { CloseOptions, StartWorkerOptions, WorkerEvent, WorkerKind } from './worker.js';
export { currentJob } from './current-job.js';
export type { JobInfo } from './current-job.js';
export type {
  Connection,
  PostgresConnection,
  PostgresOptions,
  PostgresPool,
  RedisConnection,
} from './connection.js';
export type { TaskModule, WorkerTaskModule } from './task-module.js';
export type { TelemetryOption } from './internal/telemetry.js';
export type {
  ConnectionEvent,
  DistributedEvent,
  JobCancelledEvent,
  JobEventBase,
  JobQueuedEvent,
  JobSettledEvent,
  JobStalledEvent,
  JobStartedEvent,
  RemoteWorkerInfo,
} from './events.js';
export {
  DistributedError,
  ExecutorClosedError,
  InvalidOptionError,
  JobCancelledError,
  JobDataInvalidError,
  JobLostError,
  RedisConnectionLostError,
  RedisUnavailableError,
  TaskExportNotFoundError,
  TaskModuleLoadError,
  TaskNotRegisteredError,
  TelemetryLoadError,
  ValueNotSerializableError,
} from './errors.js';
