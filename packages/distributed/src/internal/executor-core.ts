// What the parts of BullMQExecutor share: its calls in flight (by the job id of their current
// attempt), its event listeners, its background work, and the connection's pieces once up. The parts
// (submission, results, cancellation, lifecycle) each live in their own file and act through this.
import { randomBytes } from 'node:crypto';
import type { Queue, Telemetry } from 'bullmq';
import type { ExecutionSettle } from '@weft/core-scheduler';
import type { DistributedEvent, RemoteWorkerInfo } from '../events.js';
import { ExecutorClosedError } from '../errors.js';
import { AddBatcher } from './add-batcher.js';
import { moveTo } from './call-state.js';
import type { Call, FinalState } from './call-state.js';
import type { CancelChannel } from './cancel-channel.js';
import type { ResultSource, SourcePosition } from './result-source.js';
import { safely } from './safely.js';
import type { Store } from './store.js';
import { decodeReportedError } from './wire.js';
import type { WireSettle, WireStart } from './wire.js';

/** The timing a call settles with (none when it never ran, or was never seen running). */
export type SettleTiming =
  (Pick<WireSettle, 'time' | 'status'> & Partial<Pick<WireSettle, 'runMs' | 'cpuMs'>>) | undefined;

export class ExecutorCore {
  readonly queue: string;
  readonly prefix: string | undefined;
  /** Calls in flight, by the job id of their current attempt. */
  readonly calls: Map<string, Call> = new Map();
  /**
   * The tracing hook given to the BullMQ queue (loaded before the first connect), or none: each
   * call's jobs are added in the context captured when the call was made.
   */
  telemetry: Telemetry | undefined;
  /** The BullMQ queue, once connected. */
  bull: Queue | undefined;
  /** Job adds, coalesced per tick. */
  readonly adds: AddBatcher = new AddBatcher(
    () => this.bull,
    () => this.telemetry !== undefined,
    () => new ExecutorClosedError(this.queue),
  );
  /** Where job events come from, once connected. */
  source: ResultSource | undefined;
  /** Where cancels of running jobs go, once connected. */
  cancels: CancelChannel | undefined;
  /**
   * The source's position as of the last event of a job (progress, completed, failed): a call
   * submitted now records it, as a position passed before its job existed.
   */
  seen: SourcePosition = '0-0';
  /** terminate() was called: no new job is submitted. */
  terminated = false;
  /** Whether the connection is down right now (set by the lifecycle). */
  isDown: () => boolean = () => false;
  /** This executor's job ids: 128 random bits drawn once, then a count (see newJobId). */
  readonly #idPrefix = randomBytes(16).toString('base64url');
  #idCount = 0;
  readonly #listeners = new Set<(event: DistributedEvent) => void>();
  readonly #background = new Set<Promise<unknown>>();
  readonly #laneIds = new Map<string, number>();

  /** Which store the queue is on (it decides how finished jobs are kept: see executor-submit.ts). */
  readonly store: Store['kind'];

  constructor(queue: string, prefix: string | undefined, store: Store['kind']) {
    this.queue = queue;
    this.prefix = prefix;
    this.store = store;
  }

  /**
   * A job id no other job has, of this caller or any other: the executor's random prefix and a
   * count. (A random UUID per job cost 15 µs on the path of a call on a caller that had just woken.)
   * No `:`, which BullMQ refuses in ids.
   */
  newJobId(): string {
    return `${this.#idPrefix}.${(++this.#idCount).toString(36)}`;
  }

  subscribe(listener: (event: DistributedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Whether anyone subscribed: the per-job events are built only then (with 10,000 calls in flight
   * and no subscriber, building them was garbage for nothing).
   */
  get listening(): boolean {
    return this.#listeners.size > 0;
  }

  publish(event: DistributedEvent): void {
    for (const listener of this.#listeners) safely(listener, event);
  }

  /** Runs `promise` in the background; `settleBackground` waits for all of them. */
  track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => undefined);
    this.#background.add(tracked);
    void tracked.finally(() => this.#background.delete(tracked));
  }

  async settleBackground(): Promise<void> {
    await Promise.allSettled([...this.#background]);
  }

  /** Calls whose current job is known to be in Redis. */
  callsInRedis(): Call[] {
    return [...this.calls.values()].filter((call) => call.added);
  }

  /**
   * Settles `call` for good (moving it to `to`): reports its timeline end to `onSettle` when it was
   * seen running, then resolves or rejects its promise. A call already settled is left alone.
   */
  finish(
    call: Call,
    to: FinalState,
    settle: SettleTiming,
    status: 'fulfilled' | 'rejected',
    outcome: unknown,
  ): void {
    if (this.calls.get(call.jobId) !== call || !moveTo(call, to)) return;
    this.calls.delete(call.jobId);
    call.detach();
    const { onSettle } = call.options;
    if (onSettle !== undefined && settle !== undefined && call.started !== undefined) {
      const info: ExecutionSettle = {
        time: settle.time,
        status,
        runMs: Math.max(0, settle.time - call.started.time),
        ...(settle.cpuMs === undefined ? {} : { cpuMs: settle.cpuMs }),
      };
      safely(onSettle, info);
    }
    if (status === 'fulfilled') call.resolve(outcome);
    else call.reject(outcome);
  }

  /** Publishes a `job:settled` event for one attempt of `call`. */
  publishSettled(call: Call, settle: WireSettle): void {
    if (!this.listening) return;
    const error = settle.error === undefined ? undefined : decodeReportedError(settle.error);
    this.publish({
      type: 'job:settled',
      time: settle.time,
      jobId: call.jobId,
      task: call.task,
      attempt: settle.attempt,
      status: settle.status,
      runMs: settle.runMs,
      ...(settle.cpuMs === undefined ? {} : { cpuMs: settle.cpuMs }),
      final: settle.final !== false,
      ...(settle.error === undefined ? {} : { error }),
      ...(call.started === undefined ? {} : { where: where(call.started) }),
    });
  }

  /** A small integer per remote (host, process, pool worker): one timeline lane each. */
  laneId(start: WireStart): number {
    const key = `${start.host}\0${start.hostPid}\0${start.workerId ?? 'main'}`;
    let id = this.#laneIds.get(key);
    if (id === undefined) {
      id = this.#laneIds.size + 1;
      this.#laneIds.set(key, id);
    }
    return id;
  }
}

/** Where a job ran, for events. */
export function where(start: WireStart): RemoteWorkerInfo {
  return {
    host: start.host,
    worker: start.worker,
    hostPid: start.hostPid,
    ...(start.workerId === undefined ? {} : { workerId: start.workerId }),
    ...(start.pid === undefined ? {} : { pid: start.pid }),
    ...(start.threadId === undefined ? {} : { threadId: start.threadId }),
  };
}
