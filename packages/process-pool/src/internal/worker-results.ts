// The results a worker sends back: buffered as flat triples (protocol.ts, RESULT_STRIDE) with their
// times in a Float64Array beside them (TIMES_STRIDE per result), and posted as one 'done' message
// when the runner asks (its queue emptied, 64 results waiting, 1 ms since the first, or a watched
// task). Each result's CPU time is filled in here too, as cheaply as it can be measured: a
// thread's busy clock advances exactly as the wall clock while a task runs synchronously, so a
// synchronous task's CPU time is its run time and costs no reading; a process's CPU clock (a
// getrusage system call) is read at most about once per millisecond of tasks and its advance
// shared among the tasks of that stretch by run time (results sent before a millisecond has passed
// carry their run time, and the next reading makes up the difference). An async task gets a
// reading at each end.
import { flattenError } from './remote-error.js';
import {
  RESULT_STRIDE,
  STATUS_ERROR,
  STATUS_NOT_SENDABLE,
  STATUS_OK,
  TIMES_STRIDE,
} from './protocol.js';
import { clone, cpuNow, isThread, now, post } from './worker-env.js';

/** Results held back at most: a batch is posted once it has this many. */
export const MAX_BATCH = 64;
/** ms after the first held result at which a batch is posted. */
export const MAX_BATCH_MS = 1;
/** A process worker reads its CPU clock after about this many ms of synchronous tasks. */
const CPU_READ_MS = 1;

export class ResultBatch {
  #out: unknown[] = [];
  /** The times of the results in #out (start, end, cpuMs each); grown as needed, copied out at a post. */
  #times = new Float64Array(MAX_BATCH * TIMES_STRIDE);
  #firstEnd = 0;
  /** Slots (indexes in #times) of results whose CPU time waits for the next reading; they hold the run time meanwhile. */
  readonly #pending: number[] = [];
  #lastRead = 0;
  #lastReadAt = 0;
  /** CPU ms already charged (as run time) to results sent between readings; the next reading's advance covers them. */
  #charged = 0;

  /** Results held. */
  get size(): number {
    return this.#out.length / RESULT_STRIDE;
  }

  /** Whether the batch is due (64 results, or the first is 1 ms old at `t`). */
  due(t: number): boolean {
    return this.#out.length >= MAX_BATCH * RESULT_STRIDE || t - this.#firstEnd >= MAX_BATCH_MS;
  }

  /**
   * Tasks begin: the CPU used before (loading the modules, the initializer) is no task's. Between
   * batches the clock is not reset: the little the runtime spends reading the next batch is shared
   * among that batch's tasks.
   */
  resume(): void {
    if (isThread) return;
    this.#lastRead = cpuNow();
    this.#lastReadAt = now();
  }

  /** A result with no CPU time (skipped, or the task could not be found). */
  pushNone(id: number, status: number, value: unknown, t: number): void {
    this.#push(id, status, value, t, t, 0);
  }

  /** The result of a task that ran synchronously from `start` to `end`. */
  pushSync(id: number, status: number, value: unknown, start: number, end: number): void {
    this.#push(id, status, value, start, end, end - start);
    if (isThread) return;
    this.#pending.push(this.size * TIMES_STRIDE - 1);
    if (end - this.#lastReadAt >= CPU_READ_MS) this.#read(end, 0);
  }

  /**
   * A task started at `start` returned a promise at `t`: the busy-clock reading its CPU time counts
   * from (its synchronous part included).
   */
  asyncFrom(start: number, t: number): number {
    return isThread ? cpuNow() - (t - start) : this.#read(t, t - start);
  }

  /** The result of an async task whose CPU time counts from `from` (asyncFrom). */
  pushAsync(id: number, status: number, value: unknown, start: number, from: number): void {
    const end = now();
    const reading = cpuNow();
    if (!isThread) {
      this.#lastRead = reading;
      this.#lastReadAt = end;
    }
    this.#push(id, status, value, start, end, reading - from);
  }

  /** Post what is held as one 'done' message. */
  flush(): void {
    if (this.#out.length === 0) return;
    if (this.#pending.length > 0) {
      const t = now();
      if (t - this.#lastReadAt >= CPU_READ_MS) this.#read(t, 0);
      else this.#charge();
    }
    const batch = this.#out;
    const times = this.#times.slice(0, this.size * TIMES_STRIDE);
    this.#out = [];
    try {
      post({ t: 'done', r: batch, x: times });
    } catch {
      // A result (or an error's property) that cannot be cloned: send what can go, and an error for the rest.
      for (let i = 0; i < batch.length; i += RESULT_STRIDE) {
        if (batch[i + 1] !== STATUS_OK && batch[i + 1] !== STATUS_ERROR) continue;
        try {
          clone(batch[i + 2]);
        } catch (error) {
          const what = batch[i + 1] === STATUS_OK ? 'result' : 'error';
          batch[i + 1] = STATUS_NOT_SENDABLE;
          batch[i + 2] = [what, flattenError(error, clone)];
        }
      }
      post({ t: 'done', r: batch, x: times });
    }
  }

  #push(id: number, status: number, value: unknown, start: number, end: number, cpu: number): void {
    const out = this.#out;
    if (out.length === 0) this.#firstEnd = end;
    const at = (out.length / RESULT_STRIDE) * TIMES_STRIDE;
    out.push(id, status, value);
    let times = this.#times;
    if (at + TIMES_STRIDE > times.length) {
      times = new Float64Array(times.length * 2);
      times.set(this.#times);
      this.#times = times;
    }
    times[at] = start;
    times[at + 1] = end;
    times[at + 2] = cpu;
  }

  // Less than a millisecond since the last reading: the pending results go with their run time as
  // their CPU time (they ran synchronously), and the next reading's advance is reduced by as much,
  // so the CPU time charged over a longer stretch still adds up to what the clock says.
  #charge(): void {
    const times = this.#times;
    for (const slot of this.#pending) this.#charged += times[slot]!;
    this.#pending.length = 0;
  }

  // Read the CPU clock at `t` and share its advance among the pending results (and `own` ms of a
  // task still running) by run time; returns the reading less the running task's share.
  #read(t: number, own: number): number {
    const reading = cpuNow();
    let advance = reading - this.#lastRead - this.#charged;
    this.#charged = 0;
    if (advance < 0) {
      this.#charged = -advance; // charged more than the clock moved: owed by the next stretch
      advance = 0;
    }
    const times = this.#times;
    const pending = this.#pending;
    let total = own;
    for (const slot of pending) total += times[slot]!;
    const per = total > 0 ? advance / total : 0;
    for (const slot of pending) times[slot] = times[slot]! * per;
    pending.length = 0;
    this.#lastRead = reading;
    this.#lastReadAt = t;
    return reading - own * per;
  }
}
