// User callbacks (onStart, onSettle, event listeners) run inside the executor's and the worker's
// own bookkeeping: a callback that throws must never break it (contract §2).
export function safely<T>(callback: ((info: T) => void) | undefined, info: T): void {
  if (callback === undefined) return;
  try {
    callback(info);
  } catch {
    // Ignored on purpose: see above.
  }
}
