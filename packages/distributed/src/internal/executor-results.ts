// Reading results and events: what the result source reports about a job moves its call (started,
// settled, lost), and, when events may have been missed, the job's state is read back from Redis
// instead (the sweep, a reconnect, an unreadable event).
import { JobLostError } from '../errors.js';
import { isLive, moveTo } from './call-state.js';
import type { Call } from './call-state.js';
import { now } from './clock.js';
import type { ExecutorCore } from './executor-core.js';
import { where } from './executor-core.js';
import { retryHere } from './executor-submit.js';
import type { JobEvent, ResultSink, SourcePosition } from './result-source.js';
import { safely } from './safely.js';
import { decodeReportedError, isWireProgress } from './wire.js';
import { readWireResult, resultValue } from './wire-result.js';
import type { WireStart } from './wire.js';
import type { RemoteExecutionStart } from '../bullmq-executor.js';

/** At most this many calls' jobs are looked up per removal check (one query). */
const REMOVAL_CHECKS = 1000;
/**
 * The removal check runs at most this often (ms), not on every sweep: someone else removing a job is
 * rare, and with 2,000 calls in flight a check on each sweep looked every job up ~35 times.
 */
const REMOVAL_INTERVAL_MS = 1000;

export class ResultHandler implements ResultSink {
  readonly #core: ExecutorCore;
  readonly #onError: (error: unknown) => void;
  #sweeping = false;

  /** @param onError - A read of the source failed (the lifecycle keeps it as the last error). */
  constructor(core: ExecutorCore, onError: (error: unknown) => void) {
    this.#core = core;
    this.#onError = onError;
  }

  event(event: JobEvent): void {
    const core = this.#core;
    const { jobId } = event;
    switch (event.kind) {
      case 'progress':
        core.seen = event.position;
        this.#onProgress(jobId, event.data);
        return;
      case 'completed':
        core.seen = event.position;
        this.#onCompleted(jobId, event.returnvalue);
        return;
      case 'failed':
        core.seen = event.position;
        this.#onFailed(jobId, event.failedReason);
        return;
      case 'stalled': {
        const call = core.calls.get(jobId);
        if (call !== undefined)
          core.publish({ type: 'job:stalled', time: now(), jobId, task: call.task });
        return;
      }
      case 'removed': {
        const call = core.calls.get(jobId);
        if (call !== undefined)
          core.finish(
            call,
            'lost',
            undefined,
            'rejected',
            new JobLostError(jobId, 'the job was removed from Redis'),
          );
        return;
      }
    }
  }

  // An entry that could not be read (bad JSON written by someone else to the stream): the source
  // skips it. If it names a call in flight, that job's state is read from Redis instead, so the
  // call settles with what the worker really stored.
  unreadable(jobId: string | undefined): void {
    const call = jobId === undefined ? undefined : this.#core.calls.get(jobId);
    if (call?.added === true) this.#core.track(this.reconcile([call]));
  }

  error(error: unknown): void {
    this.#onError(error);
  }

  #onProgress(jobId: string, data: unknown): void {
    const call = this.#core.calls.get(jobId);
    if (call === undefined || !isWireProgress(data)) return;
    const info = data.weft;
    if (info.ev === 'started') {
      this.#onStarted(call, info);
    } else {
      call.lastSettle = info;
      if (info.final === false) this.#core.publishSettled(call, info);
    }
  }

  #onStarted(call: Call, info: WireStart): void {
    const core = this.#core;
    const { jobId } = call;
    // An attempt's start can come twice: read back from the store (a reconnect, the sweep) and
    // then as its event. Attempts only grow, and `started` holds the latest one reported.
    if (call.started !== undefined && info.attempt <= call.started.attempt) return;
    moveTo(call, 'running');
    if (core.listening)
      core.publish({
        type: 'job:started',
        time: info.time,
        jobId,
        task: call.task,
        attempt: info.attempt,
        where: where(info),
      });
    if (call.started === undefined) {
      call.started = info;
      const { onStart } = call.options;
      if (onStart === undefined) return;
      const start: RemoteExecutionStart = {
        time: info.time,
        workerId: core.laneId(info),
        pid: info.pid ?? info.hostPid,
        ...(info.threadId === undefined ? {} : { threadId: info.threadId }),
        host: info.host,
        worker: info.worker,
        hostPid: info.hostPid,
        jobId,
        attempt: info.attempt,
      };
      safely(onStart, start);
    } else {
      call.started = { ...info, time: call.started.time };
    }
  }

  #onCompleted(jobId: string, returned: unknown): void {
    const core = this.#core;
    const call = core.calls.get(jobId);
    if (call === undefined) return;
    const returnvalue = readWireResult(returned);
    if (returnvalue === undefined) {
      const reason =
        'the job completed without a Weft result (is a non-Weft worker on this queue?)';
      core.finish(call, 'lost', undefined, 'rejected', new JobLostError(jobId, reason));
      return;
    }
    // A short job's start comes with its result rather than as its own progress event.
    if (returnvalue.start !== undefined) this.#onStarted(call, returnvalue.start);
    let value: unknown;
    try {
      value = resultValue(returnvalue.value);
    } catch (error) {
      core.finish(call, 'settled', returnvalue.settle, 'rejected', error);
      return;
    }
    core.publishSettled(call, returnvalue.settle);
    core.finish(call, 'settled', returnvalue.settle, 'fulfilled', value);
  }

  #onFailed(jobId: string, failedReason: string): void {
    const core = this.#core;
    const call = core.calls.get(jobId);
    if (call === undefined) return;
    const settle = call.lastSettle;
    if (settle?.error !== undefined && settle.final !== false) {
      const error = decodeReportedError(settle.error);
      if (retryHere(core, call, error, settle)) return;
      core.publishSettled(call, settle);
      core.finish(call, 'settled', settle, 'rejected', error);
    } else {
      // No final attempt reported: BullMQ failed the job itself (stalled too often, lock lost).
      core.finish(call, 'lost', undefined, 'rejected', new JobLostError(jobId, failedReason));
    }
  }

  /** The source's position when the last check found no event dropped unread (see sweep()). */
  #checked: SourcePosition | undefined;

  /** Reading starts at `position` (the source has just started). */
  begin(position: SourcePosition): void {
    this.#checked = position;
  }

  // The source may drop events a slow reader has not read yet (BullMQ trims its stream at about
  // 10,000 entries), and their calls would never settle. So, every SWEEP_INTERVAL while calls are
  // pending: take the reader's position R, then the oldest position the source still holds F.
  // If F is at or before the position of the previous check, nothing after it was dropped before
  // now, so every read since then was whole. Otherwise events may have been dropped unread: a job
  // submitted before F may have lost events, so its outcome is read from Redis instead (completed
  // jobs are kept for this). A source that holds nothing while jobs of ours exist lost them with
  // its data (FLUSHALL, a Redis restarted without persistence): every call is read back.
  // (Comparing each call with F alone would read back, every time, every call older than the
  // stream's window: with 10,000 calls in flight, most of them, many times over.)
  async sweep(): Promise<void> {
    const core = this.#core;
    const { source, bull } = core;
    if (this.#sweeping || core.isDown()) return;
    if (source === undefined || bull === undefined) return;
    const reached = source.position;
    if (core.calls.size === 0) {
      // Nothing to lose: later calls are checked from here.
      this.#checked = reached;
      return;
    }
    this.#sweeping = true;
    try {
      const checked = this.#checked;
      const from = await source.readableFrom(checked);
      const whole =
        from !== undefined && checked !== undefined && source.compare(from, checked) <= 0;
      if (!whole) {
        const behind = core
          .callsInRedis()
          .filter((call) => from === undefined || source.compare(call.since, from) < 0);
        if (behind.length > 0) await this.reconcile(behind, from);
      }
      this.#checked = reached;
      if (source.gone !== undefined && now() - this.#removalsAt >= REMOVAL_INTERVAL_MS) {
        this.#removalsAt = now();
        await this.#loseRemoved(source.gone.bind(source));
      }
    } catch {
      // Redis trouble is the connection watcher's business; try again next time.
    } finally {
      this.#sweeping = false;
    }
  }

  /** Where the last removal check stopped in the list of calls (it checks a slice each time). */
  #removalsFrom = 0;
  /** When the last removal check ran. */
  #removalsAt = -Infinity;

  // On a store where a removal leaves no event (PostgreSQL), a call whose job someone else removed
  // would wait forever: once a second a sweep asks the store which of (a rotating slice of) the
  // calls' jobs it no longer holds. Finished Weft jobs are kept for an hour there (the workers'
  // sweep, postgres-retention.ts), so a job that just finished is still found.
  async #loseRemoved(gone: (jobIds: readonly string[]) => Promise<string[]>): Promise<void> {
    const core = this.#core;
    const all = core.callsInRedis();
    if (this.#removalsFrom >= all.length) this.#removalsFrom = 0;
    const slice = all.slice(this.#removalsFrom, this.#removalsFrom + REMOVAL_CHECKS);
    this.#removalsFrom += slice.length;
    if (slice.length === 0) return;
    const ids = slice.map((call) => call.jobId);
    const missing = new Set(await gone(ids));
    slice.forEach((call, i) => {
      const jobId = ids[i]!;
      // Settled meanwhile, or a caller-run retry replaced that job.
      if (!missing.has(jobId) || core.calls.get(jobId) !== call || !isLive(call)) return;
      const reason = 'the job was removed from the store by someone else before it finished';
      core.finish(call, 'lost', undefined, 'rejected', new JobLostError(jobId, reason));
    });
  }

  /**
   * Reads the outcome of these calls' jobs from Redis. `from`: the oldest position the source holds,
   * from which on their events are still there to read.
   */
  async reconcile(list: readonly Call[], from?: string): Promise<void> {
    const core = this.#core;
    const bull = core.bull!;
    const ids = list.map((call) => call.jobId);
    const jobs = await Promise.all(ids.map((id) => bull.getJob(id).catch(() => null)));
    list.forEach((call, i) => {
      const jobId = ids[i]!;
      const job = jobs[i];
      if (job === null || core.calls.get(jobId) !== call || !isLive(call)) return;
      if (job === undefined) {
        const reason =
          'the job is gone from Redis and this executor read no outcome of it (its events were trimmed from the stream, or Redis lost its data)';
        core.finish(call, 'lost', undefined, 'rejected', new JobLostError(jobId, reason));
        return;
      }
      // Its events from now on are still in the source.
      if (from !== undefined) call.since = from;
      const progress: unknown = job.progress;
      if (isWireProgress(progress)) {
        if (progress.weft.ev === 'started') {
          this.#onStarted(call, progress.weft);
        } else {
          call.lastSettle = progress.weft;
        }
      }
      if (job.finishedOn === undefined) return;
      const returnvalue: unknown = job.returnvalue;
      if (readWireResult(returnvalue) !== undefined) this.#onCompleted(jobId, returnvalue);
      else this.#onFailed(jobId, job.failedReason);
    });
  }
}
