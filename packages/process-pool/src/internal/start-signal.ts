// At most once: a worker records the id of each task as it starts it, so that when the worker dies
// the pool knows exactly which of the tasks it had sent there ran (they fail with
// WorkerExitedError, even if only their result was lost) and which never started (they go to
// another worker). Recording is cheap and survives a SIGKILL: a thread worker stores the id in a
// shared Float64Array cell; a process worker overwrites the first 8 bytes of a file the pool
// opened for it (fd 5, already unlinked, in /dev/shm where there is one) with one positioned
// synchronous write, which is in the kernel's page cache before the task's first line runs. The
// pool reads that file once the worker has exited. (A pipe read as it went, as before, woke the
// pool on each start and cost the worker more per task.)
//
// That one write is a process worker's largest cost per tiny task: about half of its CPU (in one
// interleaved run of bench/process-cost.mjs on the loaded 2-vCPU VM, 6.8 µs per task with it, 3.0
// without). It is what exactness costs: the record must be in the kernel before each task's first
// line, since a SIGKILL or an out-of-memory abort leaves the worker no moment to write it later,
// and Node cannot map memory shared with another process, where a plain store would do.
import { closeSync, existsSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The file descriptor of a process worker's start file (stdio index 5). */
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
      writeSync(START_FD, frame, 0, START_FRAME, 0);
    } catch {
      open = false; // no start file (a runtime without extra stdio): the pool is told at ready
    }
  };
  // Probe the file once with a frame that names no task.
  frame.writeDoubleLE(NONE_STARTED, 0);
  try {
    writeSync(START_FD, frame, 0, START_FRAME, 0);
  } catch {
    open = false;
  }
  return { record, tracked: open };
}

let files = 0;

/**
 * The pool side of a process worker's start file: opened (and unlinked at once, so nothing is
 * left behind) before the worker is forked, handed to it as fd 5, read after it exits.
 */
export class StartFile {
  /** The file's descriptor, or `undefined` if none could be made (starts are then not tracked). */
  readonly fd: number | undefined;
  #open: boolean;

  constructor() {
    let fd: number | undefined;
    const dir = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    const name = `weft-start-${process.pid}-${files++}-${Math.random().toString(36).slice(2)}`;
    const path = join(dir, name);
    try {
      fd = openSync(path, 'wx+', 0o600);
      unlinkSync(path);
    } catch {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    }
    this.fd = fd;
    this.#open = fd !== undefined;
  }

  /** The id of the last task the worker started, or {@link NONE_STARTED} (exact once it exited). */
  last(): number {
    if (!this.#open) return NONE_STARTED;
    const frame = Buffer.alloc(START_FRAME);
    try {
      return readSync(this.fd!, frame, 0, START_FRAME, 0) === START_FRAME
        ? frame.readDoubleLE(0)
        : NONE_STARTED;
    } catch {
      return NONE_STARTED;
    }
  }

  /** Close the pool's descriptor (once the worker's exit was handled). */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      closeSync(this.fd!);
    } catch {
      // already closed
    }
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
