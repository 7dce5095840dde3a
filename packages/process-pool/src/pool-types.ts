// The types of the Pool's public surface that are not options: how task modules type calls, the
// stats snapshot, and the event payloads (also published on node:diagnostics_channel).
import type { TaskStartInfo, WorkerKind } from './pool-options.js';

/** A task module's shape when the pool is not given one: any export name, any arguments. */
export type AnyTaskModule = Record<string, (...args: readonly unknown[]) => unknown>;

/** The names of the function exports of task module type `M`. */
export type TaskName<M> = {
  [K in keyof M]-?: M[K] extends (...args: never[]) => unknown ? K : never;
}[keyof M] &
  string;

/** Parameters of export `K` of task module type `M`. */
export type TaskArgs<M, K extends keyof M> = M[K] extends (...args: infer A) => unknown ? A : never;

/** Awaited result of export `K` of task module type `M`. */
export type TaskResult<M, K extends keyof M> = M[K] extends (...args: never[]) => infer R
  ? Awaited<R>
  : never;

/**
 * Snapshot returned by {@link Pool.stats}.
 *
 * @example
 * ```ts
 * const { busyWorkers, queued, run } = pool.stats();
 * console.log(busyWorkers, queued, run.p95);
 * ```
 */
export interface PoolStats {
  /** Live workers. */
  readonly workers: number;
  /** Workers with at least one task. */
  readonly busyWorkers: number;
  /** Workers with none. */
  readonly idleWorkers: number;
  /** Tasks waiting in the pool's queue. */
  readonly queued: number;
  /** Tasks handed to workers and not settled. */
  readonly inFlight: number;
  /** Tasks fulfilled so far. */
  readonly completed: number;
  /** Tasks rejected so far (including cancelled and aborted). */
  readonly failed: number;
  /** Share of worker lifetime spent running tasks, 0..1. */
  readonly utilization: number;
  /** Queue wait percentiles over recent tasks, ms. */
  readonly wait: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** Run time percentiles over recent tasks, ms. */
  readonly run: { readonly p50: number; readonly p95: number; readonly p99: number };
}

/** Payload of the `task:queued` event. */
export interface TaskQueuedEvent {
  readonly taskId: number;
  readonly name: string;
  readonly time: number;
}
/** Payload of the `task:started` event. */
export interface TaskStartedEvent extends TaskStartInfo {
  readonly name: string;
}
/** Payload of the `task:settled` event. */
export interface TaskSettledEvent {
  readonly taskId: number;
  readonly name: string;
  readonly time: number;
  readonly status: 'fulfilled' | 'rejected';
  readonly workerId: number | undefined;
  readonly waitMs: number;
  readonly runMs: number;
  readonly cpuMs: number | undefined;
}
/** Payload of the `worker:spawned` event. */
export interface WorkerSpawnedEvent {
  readonly workerId: number;
  readonly kind: WorkerKind;
  readonly pid: number | undefined;
  readonly threadId: number | undefined;
  readonly time: number;
}
/** Payload of the `worker:exited` event. */
export interface WorkerExitedEvent {
  readonly workerId: number;
  readonly pid: number | undefined;
  readonly threadId: number | undefined;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Whether the pool asked it to go (idle, recycling, close, terminate, timeout). */
  readonly expected: boolean;
  readonly time: number;
}

/**
 * The pool's events; the same payloads are published on `node:diagnostics_channel` channels named
 * `weft:process-pool:<event>`.
 */
export interface PoolEvents {
  'task:queued': [TaskQueuedEvent];
  'task:started': [TaskStartedEvent];
  'task:settled': [TaskSettledEvent];
  'worker:spawned': [WorkerSpawnedEvent];
  'worker:exited': [WorkerExitedEvent];
}
