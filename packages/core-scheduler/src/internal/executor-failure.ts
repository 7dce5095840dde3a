// How the scheduler reads the executor-failure mark on an error an executor rejected with (the
// contract is documented on `Executor`): `isExecutorFailure === true` is the executor's own failure,
// `=== false` is the caller's mistake, which no retry can fix; anything else is the task's error.

/** Whether `error` (own or inherited property) says it is the executor's own failure. */
export function markedExecutorFailure(error: unknown): boolean {
  return readMark(error) === true;
}

/** Whether `error` says the executor refused the call for the caller's mistake. */
export function markedCallerMistake(error: unknown): boolean {
  return readMark(error) === false;
}

function readMark(error: unknown): unknown {
  if ((typeof error !== 'object' && typeof error !== 'function') || error === null)
    return undefined;
  try {
    return (error as { isExecutorFailure?: unknown }).isExecutorFailure;
  } catch {
    // A throwing getter (or a revoked proxy) carries no mark.
    return undefined;
  }
}
