// Job events: what happened to each job, wherever it ran. The executor publishes them to its
// subscribers (started and settled on which host, process and pool worker; stalls; cancellations;
// connection loss) so a recorder can draw one timeline across machines.

/**
 * Where an attempt ran: the host, the `weft-worker` process and, for pool kinds, the pool worker.
 *
 * @example
 * ```ts
 * executor.subscribe((e) => { if (e.type === 'job:started') console.log(e.where.host, e.where.pid); });
 * ```
 */
export interface RemoteWorkerInfo {
  /** Host name of the machine (`os.hostname()`). */
  readonly host: string;
  /** The worker's name (`--name`, default `host:pid`). */
  readonly worker: string;
  /** Process id of the `weft-worker` process. */
  readonly hostPid: number;
  /** Pool worker id on that host (thread and process kinds). */
  readonly workerId?: number;
  /** Process id that ran the task (the pool's child for the process kind). */
  readonly pid?: number;
  /** `worker_threads` thread id that ran the task. */
  readonly threadId?: number;
}

/**
 * Fields common to every job event.
 *
 * @example
 * ```ts
 * executor.subscribe((e: JobEventBase) => console.log(e.time, e.jobId));
 * ```
 */
export interface JobEventBase {
  /** ms on `performance.timeOrigin + performance.now()` of the machine that observed it. */
  readonly time: number;
  /** BullMQ job id. */
  readonly jobId: string;
  /** `module#export` of the task. */
  readonly task: string;
}

/**
 * A job was added to the queue.
 *
 * @example
 * ```ts
 * executor.subscribe((e) => { if (e.type === 'job:queued') console.log(e.attempts); });
 * ```
 */
export interface JobQueuedEvent extends JobEventBase {
  readonly type: 'job:queued';
  /** Attempts BullMQ will make at most. */
  readonly attempts: number;
}

/**
 * A worker started an attempt of a job (time on the worker's clock).
 *
 * @example
 * ```ts
 * executor.subscribe((e) => { if (e.type === 'job:started') console.log(e.attempt, e.where.host); });
 * ```
 */
export interface JobStartedEvent extends JobEventBase {
  readonly type: 'job:started';
  /** Attempt number, from 1 (a stalled job re-run after its worker died counts as a new attempt). */
  readonly attempt: number;
  readonly where: RemoteWorkerInfo;
}

/**
 * An attempt settled on its worker (time on the worker's clock).
 *
 * @example
 * ```ts
 * executor.subscribe((e) => { if (e.type === 'job:settled' && !e.final) console.log('will retry', e.error); });
 * ```
 */
export interface JobSettledEvent extends JobEventBase {
  readonly type: 'job:settled';
  readonly attempt: number;
  readonly status: 'fulfilled' | 'rejected';
  /** Run time of this attempt, in ms. */
  readonly runMs: number;
  /** CPU time of this attempt, in ms, when the worker measured it. */
  readonly cpuMs?: number;
  /** Whether this was the job's last attempt (false: BullMQ retries it after its backoff). */
  readonly final: boolean;
  /** The attempt's error, rebuilt, when rejected. */
  readonly error?: unknown;
  readonly where?: RemoteWorkerInfo;
}

/**
 * BullMQ found the job's lock expired (its worker died or froze) and put it back in the queue.
 *
 * @example
 * ```ts
 * executor.subscribe((e) => { if (e.type === 'job:stalled') console.log('recovering', e.jobId); });
 * ```
 */
export interface JobStalledEvent extends JobEventBase {
  readonly type: 'job:stalled';
}

/**
 * The call's signal aborted: the job was removed from the queue, or its worker was asked to stop.
 *
 * @example
 * ```ts
 * executor.subscribe((e) => { if (e.type === 'job:cancelled') console.log(e.stage); });
 * ```
 */
export interface JobCancelledEvent extends JobEventBase {
  readonly type: 'job:cancelled';
  readonly stage: 'queued' | 'running';
}

/**
 * The connection to Redis dropped, or came back.
 *
 * @example
 * ```ts
 * executor.subscribe((e) => { if (e.type === 'connection:lost') console.warn('Redis down'); });
 * ```
 */
export interface ConnectionEvent {
  readonly type: 'connection:lost' | 'connection:restored';
  readonly time: number;
}

/**
 * Everything the executor publishes to {@link BullMQExecutor.subscribe} listeners.
 *
 * @example
 * ```ts
 * const seen: DistributedEvent[] = [];
 * executor.subscribe((e) => seen.push(e));
 * ```
 */
export type DistributedEvent =
  | JobQueuedEvent
  | JobStartedEvent
  | JobSettledEvent
  | JobStalledEvent
  | JobCancelledEvent
  | ConnectionEvent;
