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

/** The worker side: returns the function that records a task's start. */
export function startRecorder(
  cell: SharedArrayBuffer | undefined,
  isThread: boolean,
): (id: number) => void {
  if (isThread) {
    if (cell === undefined) return () => undefined;
    const view = new Float64Array(cell);
    return (id) => {
      view[0] = id;
    };
  }
  const frame = Buffer.alloc(START_FRAME);
  let open = true;
  let last = NONE_STARTED;
  return (id) => {
    // A task announced ahead (worker-runtime's announceNext) is not written again as it starts.
    if (!open || id === last) return;
    last = id;
    frame.writeDoubleLE(id, 0);
    try {
      writeSync(START_FD, frame);
    } catch {
      open = false; // not started by the pool (no fd 5): nothing to tell
    }
  };
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
