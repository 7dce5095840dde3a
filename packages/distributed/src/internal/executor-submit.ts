// Submitting a call: its job data, its entry in the call table (registered before the add, as the
// job's events may arrive before the add returns), the add itself, and the caller-run retries of a
// policy with `retryOn` (each attempt a new job).
import type { JobsOptions } from 'bullmq';
import type { BullMQCallOptions } from '../bullmq-executor.js';
import { isLive, moveTo } from './call-state.js';
import type { Call } from './call-state.js';
import { now } from './clock.js';
import { cancelCall, cancelRemote } from './executor-cancel.js';
import type { ExecutorCore } from './executor-core.js';
import type { TaskRef } from './modules.js';
import { backoffDelay, isUnrecoverable, WEFT_BACKOFF } from './retry.js';
import type { JobRetry } from './retry.js';
import type { Store } from './store.js';
import { captureContext } from './telemetry.js';
import { encodeArgs } from './wire-args.js';
import { WIRE_VERSION } from './wire.js';
import type { JobData, WireSettle } from './wire.js';
import { RESULT_FORMAT } from './wire-result.js';

// Results travel in the 'completed' event; finished jobs stay in the store for a while so that a
// caller whose event reader fell behind (Redis trims its event stream) or reconnected can still
// collect them. Redis keeps the last 10,000 completed jobs (trimming a sorted set is cheap) and the
// last hour's failures, at most 1,000. On PostgreSQL a job carries no rule: BullMQ's rules there
// run a DELETE inside every job's finishing transaction (its count rule ranks every completed job
// of the queue, about 19 ms per job with 10,000 kept; even its age rule cost the server more per
// job than any other statement of the job), so the queue's weft-workers delete Weft jobs finished
// over an hour ago themselves, once a minute (postgres-retention.ts).
const RETENTION: Record<Store['kind'], Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'>> = {
  redis: { removeOnComplete: { count: 10_000 }, removeOnFail: { age: 3600, count: 1000 } },
  postgres: {},
};

/** The job data of a call of `ref` (throws ValueNotSerializableError for bad arguments). */
export function jobData(ref: TaskRef, args: readonly unknown[], retry: JobRetry): JobData {
  return {
    weft: WIRE_VERSION,
    module: ref.module,
    export: ref.exportName,
    args: encodeArgs(args),
    result: RESULT_FORMAT,
    // Workers compute the backoff only for the retries BullMQ runs (no retryOn).
    ...(retry.backoff === undefined || retry.retryOn !== undefined
      ? {}
      : { backoff: retry.backoff }),
  };
}

/** A call without a signal has nothing to stop listening to (one function for all of them). */
const noDetach = (): void => undefined;

/** Registers a call and adds its first job; the promise settles with the call. */
export function submitCall(
  core: ExecutorCore,
  data: JobData,
  task: string,
  retry: JobRetry,
  options: BullMQCallOptions,
): Promise<unknown> {
  // Our own id, registered before the add: the job's events may arrive before add() returns.
  const jobId = core.newJobId();
  let resolve!: (value: unknown) => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const call: Call = {
    state: 'submitting',
    jobId,
    task,
    data,
    retry,
    options,
    resolve,
    reject,
    // The caller's context (its active span), taken now: a retry is added later, from the reader.
    inCallerContext: captureContext(core.telemetry),
    started: undefined,
    lastSettle: undefined,
    added: false,
    since: core.seen,
    detach: noDetach,
  };
  core.calls.set(jobId, call);
  const { signal } = options;
  if (signal !== undefined) {
    const onAbort = (): void => cancelCall(core, call, signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    call.detach = () => signal.removeEventListener('abort', onAbort);
  }
  // With retryOn the caller runs the retries: one attempt per job.
  if (retry.retryOn !== undefined) enqueue(core, call, data, 1);
  else enqueue(core, call, data, retry.attempts, retry.backoff !== undefined);
  return done;
}

/** Adds the job of the call's current attempt (BullMQ runs `attempts` of it, with Weft's backoff). */
function enqueue(
  core: ExecutorCore,
  call: Call,
  data: JobData,
  attempts: number,
  backoff = false,
  delay = 0,
): void {
  const jobId = call.jobId;
  const opts: JobsOptions & { jobId: string } = { jobId, attempts };
  // Assigned, not spread: an object spread per job showed in the caller's profile.
  const { removeOnComplete, removeOnFail } = RETENTION[core.store];
  if (removeOnComplete !== undefined) opts.removeOnComplete = removeOnComplete;
  if (removeOnFail !== undefined) opts.removeOnFail = removeOnFail;
  if (backoff) opts.backoff = { type: WEFT_BACKOFF };
  if (delay > 0) opts.delay = delay;
  core.adds.add({
    name: call.task,
    data,
    opts,
    // Each job (a caller-run retry too, submitted from the result reader) is added inside its own
    // call's captured context: BullMQ's producer span for it, and the trace context it writes into
    // the job, are then children of that caller's span.
    inCallerContext: call.inCallerContext,
    // A call cancelled (or terminated) before its job went out never sends it.
    wanted: () => isLive(call) && call.jobId === jobId,
    added: () => addConfirmed(core, call, jobId),
    failed: (error) => core.finish(call, 'lost', undefined, 'rejected', error),
  });
}

function addConfirmed(core: ExecutorCore, call: Call, jobId: string): void {
  // A later attempt's job replaced this one (a caller-run retry).
  if (call.jobId !== jobId) return;
  call.added = true;
  if (call.state === 'submitting') moveTo(call, 'queued');
  if (call.state === 'cancelled') core.track(cancelRemote(core, jobId));
  else if (core.listening)
    core.publish({
      type: 'job:queued',
      time: now(),
      jobId,
      task: call.task,
      attempts: call.retry.attempts,
    });
}

/**
 * A policy with `retryOn`: the predicate runs here, and a retry is a new job, delayed in Redis by
 * the backoff (so a cancel during the wait removes it like any queued job).
 *
 * @returns Whether a retry was submitted (the call stays in flight).
 */
export function retryHere(
  core: ExecutorCore,
  call: Call,
  error: unknown,
  settle: WireSettle,
): boolean {
  const { retry } = call;
  const attempt = settle.attempt;
  if (retry.retryOn === undefined || attempt >= retry.attempts || core.terminated) return false;
  if (isUnrecoverable(error)) return false;
  let again: boolean;
  try {
    again = retry.retryOn(error, attempt) === true;
  } catch {
    again = false;
  }
  if (!again || !moveTo(call, 'submitting')) return false;
  core.publishSettled(call, { ...settle, final: false });
  const jobId = core.newJobId();
  core.calls.delete(call.jobId);
  call.jobId = jobId;
  call.added = false;
  call.lastSettle = undefined;
  call.since = core.seen;
  core.calls.set(jobId, call);
  const delay = retry.backoff === undefined ? 0 : backoffDelay(retry.backoff, attempt);
  enqueue(core, call, { ...call.data, attempt: attempt + 1 }, 1, false, delay);
  return true;
}
