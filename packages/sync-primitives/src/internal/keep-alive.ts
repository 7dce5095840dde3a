// Keeps the event loop alive while an Atomics.waitAsync is pending: its promise alone does not
// (test/mutex.test.ts, "keeps a worker alive while it waits", fails without this), so a process
// whose only work is waiting for another thread would exit.
let pending = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Count one more pending async wait. */
export function holdLoop(): void {
  if (pending++ === 0) timer = setInterval(noop, 0x3fffffff);
}

/** Count one pending async wait less. */
export function releaseLoop(): void {
  if (--pending === 0 && timer !== undefined) {
    clearInterval(timer);
    timer = undefined;
  }
}

function noop(): void {}
