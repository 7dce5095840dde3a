// At most once: a worker records each task as it starts it, so that when the worker dies the pool
// knows exactly which of the tasks it had sent there ran (they fail with WorkerExitedError, even if
// only their result was lost) and which never started (they go to another worker). Recording is
// cheap and survives a SIGKILL: a thread worker's record is its claim word (claim-word.ts: the
// count of tasks it has claimed, in shared memory); a process worker's is the length of a file the
// pool opened for it (fd 5, already unlinked, in /dev/shm where there is one): before each task's
// first line runs, one synchronous ftruncate sets the length to the task's id + 1 (0: none started
// yet). The length is in the kernel's inode as the call returns, so it outlives the worker
// whatever kills it, and the pool reads it (fstat) once the worker has exited. No byte is written:
// the file stays a hole, and the pool reads no data. (A pipe read as it went, as before, woke the
// pool on each start and cost the worker more per task.)
//
// That one system call is a process worker's largest cost per tiny task. It is what exactness
// costs: the record must be in the kernel before each task's first line, since a SIGKILL or an
// out-of-memory abort leaves the worker no moment to write it later, and Node cannot map memory
// shared with another process, where a plain store would do. Setting the length is the cheapest
// such call Node offers: an 8-byte positioned write of the id (the record until 2026-12) cost
// 2.26 µs of CPU per record against 1.62 µs for ftruncate (median of 12 interleaved runs of 200,000
// calls each on the 2-vCPU VM, /dev/shm), as the write also copies the bytes into a page and Node's
// writeSync checks more arguments.
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The file descriptor of a process worker's start file (stdio index 5). */
export const START_FD = 5;

/** No task has started on the worker yet. */
export const NONE_STARTED = -1;

/** The worker side of the start signal. */
export interface StartRecorder {
  /** Record that the task with this id starts now. */
  readonly record: (id: number) => void;
  /** Whether starts reach the pool (the pool blames every task the worker held when they don't). */
  readonly tracked: boolean;
}

/**
 * The worker side: the function that records a task's start, and whether it can. A thread worker
 * records nothing here: claiming the task (claim-word.ts) is its record, tracked when the pool
 * sent it a claim word.
 */
export function startRecorder(
  claimCell: SharedArrayBuffer | undefined,
  isThread: boolean,
): StartRecorder {
  if (isThread) return { record: () => undefined, tracked: claimCell !== undefined };
  let last = NONE_STARTED;
  const record = (id: number): void => {
    // A task announced ahead (worker-runtime's announceNext) is not recorded again as it starts.
    if (id === last) return;
    last = id;
    try {
      ftruncateSync(START_FD, id + 1);
    } catch (error) {
      unrecordedStart(id, error);
    }
  };
  // Probe the file once with the length that names no task. Without a start file (a runtime with
  // no extra stdio) starts are not tracked, and the pool is told so at ready.
  try {
    ftruncateSync(START_FD, 0);
  } catch {
    return { record: () => undefined, tracked: false };
  }
  return { record, tracked: true };
}

/** The exit code of a process worker that could not record a start (see unrecordedStart). */
export const EXIT_START_UNRECORDED = 70;

/**
 * The pool was told this worker records its starts, and a record failed (its start file was
 * closed, or the system refused the call): running the task now would let a later crash re-run it
 * elsewhere, as the pool would think it never started. So the worker stops before the task's first
 * line (its finished results are sent on the way out) and the pool runs the task on another worker.
 */
function unrecordedStart(id: number, error: unknown): never {
  const code = (error as { code?: unknown } | null)?.code;
  process.stderr.write(
    `@weft/process-pool worker: could not record the start of task ${String(id)} ` +
      `(${typeof code === 'string' ? code : String(error)}); exiting before it runs, so that the ` +
      'pool runs it on another worker\n',
  );
  process.exit(EXIT_START_UNRECORDED);
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
    try {
      const length = fstatSync(this.fd!).size;
      return length > 0 ? length - 1 : NONE_STARTED;
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

/**
 * Split the tasks a dead thread worker held (in the order it runs them) by its claim word: the
 * last `unclaimed` never started; those before them it claimed (they ran, or may have).
 */
export function splitAtClaimed<T>(
  held: readonly T[],
  unclaimed: number,
): { ran: T[]; notStarted: T[] } {
  const at = Math.max(0, held.length - Math.max(0, unclaimed));
  return { ran: held.slice(0, at), notStarted: held.slice(at) };
}
