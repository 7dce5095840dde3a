// The life of one executor call, in one table. A call is one `apply()`: it submits a job (a new job
// per attempt when the caller runs the retries), follows that job through the result source, and
// settles exactly once. Every change of state goes through `moveTo`, which allows only the moves
// listed in CALL_MOVES; the compiler checks that every state has its row.
import type { BullMQCallOptions } from '../bullmq-executor.js';
import type { JobRetry } from './retry.js';
import type { ContextRunner } from './telemetry.js';
import type { JobData, WireSettle, WireStart } from './wire.js';

/**
 * Where a call is.
 * - `submitting`: the add of its job is in flight (its events may already arrive).
 * - `queued`: the job is in Redis; no start seen for it yet.
 * - `running`: a worker reported the job's start (possibly before the add was confirmed).
 * - `settled`: the worker's outcome (result or error) settled the call.
 * - `cancelled`: the caller's signal aborted; the job is removed or its worker told to stop.
 * - `lost`: its outcome can never arrive (job gone, connection down too long, add refused).
 * - `closed`: `terminate()` rejected it.
 */
export type CallState =
  'submitting' | 'queued' | 'running' | 'settled' | 'cancelled' | 'lost' | 'closed';

/** The terminal states: the call's promise is settled, later events of its job are ignored. */
export type FinalState = Extract<CallState, 'settled' | 'cancelled' | 'lost' | 'closed'>;

const FINAL: readonly FinalState[] = ['settled', 'cancelled', 'lost', 'closed'];

/**
 * The moves each state allows. `submitting` again from a live state is the caller-run retry (a new
 * job for the next attempt); `running` to `running` is a new attempt of the same job starting
 * (BullMQ's retries, or a stalled job re-run).
 */
export const CALL_MOVES: { readonly [S in CallState]: readonly CallState[] } = {
  submitting: ['submitting', 'queued', 'running', ...FINAL],
  queued: ['submitting', 'running', ...FINAL],
  running: ['submitting', 'running', ...FINAL],
  settled: [],
  cancelled: [],
  lost: [],
  closed: [],
};

/** One call in flight. */
export interface Call {
  state: CallState;
  /** The job of the current attempt (caller-run retries submit one job per attempt). */
  jobId: string;
  readonly task: string;
  readonly data: JobData;
  readonly retry: JobRetry;
  readonly options: BullMQCallOptions;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /**
   * Runs a function in the tracing context the call was made in: every job of the call (the
   * caller-run retries too, submitted from the result reader) is added inside it.
   */
  readonly inCallerContext: ContextRunner;
  /** A result-source position passed before this attempt's job existed (see the sweep). */
  since: string;
  /** The first start reported (kept across attempts: the call's timeline starts there). */
  started: WireStart | undefined;
  /** The last settle the current attempt's worker reported (its error, for a failed job). */
  lastSettle: WireSettle | undefined;
  /** Whether the add of the current attempt's job was confirmed. */
  added: boolean;
  /** Stops listening to the caller's signal. */
  detach: () => void;
}

/**
 * Moves `call` to `next` if its state allows it.
 *
 * @returns Whether it moved (a settled call stays settled: late events change nothing).
 */
export function moveTo(call: Call, next: CallState): boolean {
  if (!CALL_MOVES[call.state].includes(next)) return false;
  call.state = next;
  return true;
}

/** Whether the call still waits for its outcome. */
export function isLive(call: Call): boolean {
  return CALL_MOVES[call.state].length > 0;
}

/**
 * Whether the call's job is known to be in Redis, so that its state can be read back from there
 * (the sweep, a reconnect) or removed (cancel, terminate).
 */
export function isInRedis(call: Call): boolean {
  return isLive(call) && call.added;
}

/** The stage a cancel reports: before or after the call's first start. */
export function cancelStage(call: Call): 'queued' | 'running' {
  return call.started === undefined ? 'queued' : 'running';
}
