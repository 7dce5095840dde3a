// @weft/core-scheduler: routes CPU-bound work to cores and I/O-bound work to the event loop, with
// priorities, limits, deadlines, retries, cancellation and a recorded timeline.
export { Scheduler } from './scheduler.js';
export type {
  SchedulerOptions,
  ExecutorOptions,
  RateLimit,
  MapOptions,
  CloseOptions,
  EventSink,
  LimitUpdate,
  ExecutorLimitUpdate,
  SchedulerTelemetryOptions,
} from './scheduler-options.js';
export { SchedulerGroup } from './scheduler-group.js';
export type { SchedulerGroupOptions } from './scheduler-group.js';
export { InlineExecutor } from './inline-executor.js';
export type { InlineExecutorOptions } from './inline-executor.js';
export type { Executor, ExecutorCallOptions, ExecutionStart, ExecutionSettle } from './executor.js';
export { taskSignal } from './task-signal.js';
export type { WrapOptions, WrappedFunction } from './wrap.js';
export type { TaskStatus, TaskCounts, SizeFilter, RunningTask } from './introspection.js';
export type {
  Task,
  TaskId,
  AnyTask,
  TaskResult,
  TaskOptions,
  TaskKind,
  OnFull,
  RetryPolicy,
  Backoff,
  FixedBackoff,
  ExponentialBackoff,
} from './task.js';
export type { AutoRoutingOptions, RouteExplanation } from './routing.js';
export { Recorder } from './recorder.js';
export type {
  Timeline,
  TimelineLane,
  TimelineSpan,
  TimelineInstant,
  TimelineCounter,
} from './timeline.js';
export { schedulerChannels } from './events.js';
export type {
  SchedulerEvent,
  SchedulerEventBase,
  TaskQueuedEvent,
  TaskRoutedEvent,
  TaskStartedEvent,
  TaskFinishedEvent,
  TaskRetriedEvent,
  TaskSettledEvent,
  LaneInfo,
  LaneKind,
  SchedulerEventMap,
  SchedulerEventName,
  TaskAddEvent,
  TaskActiveEvent,
  TaskCompletedEvent,
  TaskErrorEvent,
  TaskNextEvent,
  SchedulerStateEvent,
  ListenerErrorEvent,
} from './events.js';
export {
  SchedulerError,
  InvalidOptionError,
  TaskTimeoutError,
  DeadlineExceededError,
  TaskCancelledError,
  RetryExhaustedError,
  SchedulerClosedError,
  QueueFullError,
  TaskClearedError,
  TaskIdNotFoundError,
  TaskNotFoundError,
  TaskDroppedError,
  ExecutorFailedError,
} from './errors.js';
