// At most once: a worker records the id of each task as it starts it, so that when the worker dies
// the pool knows exactly which of the tasks it had sent there ran (they fail with
// WorkerExitedError, even if only their result was lost) and which never started (they go to
// another worker). Recording is cheap and survives a SIGKILL: a thread worker stores the id in a
// shared Float64Array cell; a process worker writes it as an 8-byte frame to a pipe (fd 5) with
// one synchronous write, which is in the kernel before the task's first line runs.
import { writeSync } from 'node:fs';

/** The file descriptor of a process worker's start pipe (stdio index 5). */
export const START_FD = 5;

/** Bytes of one start frame: the task id as a little-endian float64. */
export const START_FRAME = 8;

/** No task has started on the worker yet. */
export const NONE_STARTED = -1;

/** A new shared cell for a thread worker, holding {@link NONE_STARTED}. */
export function newStartCell(): Float64Array {
  const cell = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT));
  cell[0] = NONE_STARTED;
  return cell;
}

/** The worker side of the start signal. */
export interface StartRecorder {
  /** Record that the task with this id starts now. */
  readonly record: (id: number) => void;
  /** Whether starts reach the pool (the pool blames every task the worker held when they don't). */
  readonly tracked: boolean;
}

/** The worker side: the function that records a task's start, and whether it can. */
export function startRecorder(
  cell: SharedArrayBuffer | undefined,
  isThread: boolean,
): StartRecorder {
  if (isThread) {
    if (cell === undefined) return { record: () => undefined, tracked: false };
    const view = new Float64Array(cell);
    return {
      record: (id) => {
        view[0] = id;
      },
      tracked: true,
    };
  }
  const frame = Buffer.alloc(START_FRAME);
  let open = true;
  let last = NONE_STARTED;
  const record = (id: number): void => {
    // A task announced ahead (worker-runtime's announceNext) is not written again as it starts.
    if (!open || id === last) return;
    last = id;
    frame.writeDoubleLE(id, 0);
    try {
      writeSync(START_FD, frame);
    } catch {
      open = false; // no start pipe (a runtime without extra stdio pipes): the pool is told at ready
    }
  };
  // Probe the pipe once with a frame that names no task.
  frame.writeDoubleLE(NONE_STARTED, 0);
  try {
    writeSync(START_FD, frame);
  } catch {
    open = false;
  }
  return { record, tracked: open };
}

/** The pool side of a process worker's start pipe: the last id read from it. */
export class StartPipeReader {
  #last = NONE_STARTED;
  #partial: Buffer | undefined = undefined;

  /** Feed bytes read from the pipe. */
  push(chunk: Buffer): void {
    let data = chunk;
    if (this.#partial !== undefined) {
      data = Buffer.concat([this.#partial, chunk]);
      this.#partial = undefined;
    }
    const whole = data.length - (data.length % START_FRAME);
    if (whole > 0) this.#last = data.readDoubleLE(whole - START_FRAME);
    if (whole < data.length) this.#partial = Buffer.from(data.subarray(whole));
  }

  /** The id of the last task the worker started, or {@link NONE_STARTED}. */
  get last(): number {
    return this.#last;
  }
}

/**
 * Split the tasks a dead worker held (in the order it runs them) at the last one it started:
 * that one and those before it ran; those after it never started.
 */
export function splitAtStarted<T extends { readonly id: number }>(
  held: readonly T[],
  lastStarted: number,
): { ran: T[]; notStarted: T[] } {
  const at = lastStarted === NONE_STARTED ? -1 : held.findIndex((t) => t.id === lastStarted);
  return { ran: held.slice(0, at + 1), notStarted: held.slice(at + 1) };
}
