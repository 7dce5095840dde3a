// Cancelling a call: it rejects at once with JobCancelledError; its job is removed if still queued,
// and its worker is told to stop it if running (through the cancel channel).
import { JobCancelledError } from '../errors.js';
import { cancelStage, isLive } from './call-state.js';
import type { Call } from './call-state.js';
import { now } from './clock.js';
import type { ExecutorCore } from './executor-core.js';

/** The caller's signal aborted with `reason`. */
export function cancelCall(core: ExecutorCore, call: Call, reason: unknown): void {
  if (!isLive(call) || core.calls.get(call.jobId) !== call) return;
  const stage = cancelStage(call);
  const { jobId } = call;
  core.publish({ type: 'job:cancelled', time: now(), jobId, task: call.task, stage });
  const settle =
    call.started === undefined ? undefined : { time: now(), status: 'rejected' as const };
  core.finish(
    call,
    'cancelled',
    settle,
    'rejected',
    new JobCancelledError(jobId, stage, { cause: reason }),
  );
  // A job whose add is still in flight is cancelled remotely once the add is confirmed.
  if (call.added) core.track(cancelRemote(core, jobId));
}

// Remove a queued job; a job that is locked by a worker can't be removed, so ask its worker (all
// Weft workers of the queue listen on its cancel channel) to abort it.
export async function cancelRemote(core: ExecutorCore, jobId: string): Promise<void> {
  const { bull, cancels } = core;
  if (bull === undefined || cancels === undefined) return;
  const removed = await bull.remove(jobId);
  if (removed !== 1) await cancels.publish(jobId);
}
