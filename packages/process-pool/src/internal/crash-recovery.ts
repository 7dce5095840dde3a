// Crash recovery: what becomes of the tasks a worker held when it exits. At most once: the worker
// records each task as it starts it (start-signal.ts; a thread's record is its claim word), so the tasks it held split exactly
// into those that ran (the one running, and any whose result was lost: running --settle--> settled
// with WorkerExitedError, never run again) and those that never started (sent|running --requeue-->
// queued, back at the front of the queue in their order, for another worker), except a thread task
// that moved memory there (a transfer list): it fails, as its data died with the worker. A worker that
// cannot record starts proves nothing: every task it held once ready may have run. A worker that
// died before it was ready ran nothing: its start failed, and a new one would fail the same way,
// so the pool breaks (Python's BrokenProcessPool) instead of looping.
import { WorkerExitedError } from '../errors.js';
import type { PoolTask } from './dispatcher.js';
import { splitAtClaimed, splitAtStarted } from './start-signal.js';
import type { ExitInfo } from './worker-channel.js';
import type { WorkerHandle } from './worker-handle.js';
import { exitedBeforeReady, type StartOptions } from './worker-start.js';

/** The unsettled tasks a dead worker held, split at the last one it started. */
export interface HeldTasks {
  /** Started (or may have): they fail. */
  readonly ran: readonly PoolTask[];
  /** Never started: they run again elsewhere. */
  readonly notStarted: readonly PoolTask[];
}

/** What crash recovery needs from the pool. */
export interface RecoveryHost {
  readonly start: StartOptions;
  readonly onWorkerExit: 'respawn' | 'break';
  /** Put a task back at the front of the queue. */
  requeue(task: PoolTask): void;
  /** Reject a task at `time`. */
  fail(task: PoolTask, error: unknown, time: number): void;
  /** Break the pool: `passThrough` fails pending work with `error` itself, else with PoolBrokenError. */
  break(error: Error, passThrough: boolean): void;
}

const unsettled = (task: PoolTask): boolean => task.isOut();

const movedMemory = (task: PoolTask): boolean => (task.options?.transfer?.length ?? 0) > 0;

/** Empty the dead worker's in-flight list and split it (tasks already settled are left out). */
export function splitHeld(worker: WorkerHandle): HeldTasks {
  const held = worker.inflight.drain();
  const claims = worker.channel.claims;
  const split = !worker.startsTracked
    ? { ran: worker.ready ? held : [], notStarted: worker.ready ? [] : held }
    : claims !== undefined
      ? splitAtClaimed(held, claims.unclaimed())
      : splitAtStarted(held, worker.channel.lastStarted());
  return { ran: split.ran.filter(unsettled), notStarted: split.notStarted.filter(unsettled) };
}

/**
 * Recover from `worker`'s exit: re-queue what never started, fail what ran, break the pool on a
 * failed start (or on any crash with `onWorkerExit: 'break'`).
 *
 * @param crashed - the pool did not ask it to go (it was not draining).
 * @returns whether the pool goes on (`false`: it broke).
 */
export function recover(
  host: RecoveryHost,
  worker: WorkerHandle,
  info: ExitInfo,
  crashed: boolean,
  held: HeldTasks,
  time: number,
): boolean {
  const { ran, notStarted } = held;
  const startFailure =
    worker.startFailure ??
    (crashed && !worker.ready ? exitedBeforeReady(worker.id, info, host.start) : undefined);
  // A thread task that never started but moved memory to the dead worker (a transfer list) cannot
  // run again: what it moved is gone, and re-sent its arguments would arrive detached (empty). (On
  // a failed start the pool breaks and fails everything queued, these too.)
  const lost =
    host.start.kind === 'thread' && startFailure === undefined
      ? notStarted.filter(movedMemory)
      : [];
  for (let i = notStarted.length - 1; i >= 0; i--) {
    const task = notStarted[i]!;
    if (lost.length === 0 || !lost.includes(task)) host.requeue(task);
  }
  if (startFailure !== undefined) {
    host.break(startFailure, true);
    return false;
  }
  if (ran.length === 0 && lost.length === 0) return true;
  const details = {
    workerId: worker.id,
    pid: worker.channel.pid,
    threadId: worker.channel.threadId,
    exitCode: info.signal === null ? info.code : null,
    signal: info.signal,
    stderr: info.stderr,
  };
  const cause = info.error === undefined ? {} : { cause: info.error };
  const exitError = new WorkerExitedError(details, cause);
  for (const task of ran) host.fail(task, exitError, time);
  if (lost.length > 0) {
    const lostError = new WorkerExitedError(details, { ...cause, transferLost: true });
    for (const task of lost) host.fail(task, lostError, time);
  }
  if (crashed && host.onWorkerExit === 'break') {
    host.break(exitError, false);
    return false;
  }
  return true;
}
