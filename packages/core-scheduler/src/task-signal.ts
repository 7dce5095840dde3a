// taskSignal(): how a function running on the InlineExecutor learns that its attempt was aborted
// (timeout, deadline, cancellation) without taking the signal as an argument.
import { signalStorage } from './internal/task-context.js';

/**
 * Returns the abort signal of the task attempt that is running the calling code inline, if the
 * attempt has one (a `signal`, `timeout` or `deadline` was given); `undefined` elsewhere.
 *
 * @returns The running attempt's signal, or `undefined`.
 *
 * @example
 * ```ts
 * async function download(url: string): Promise<string> {
 *   const response = await fetch(url, { signal: taskSignal() });
 *   return response.text();
 * }
 * await scheduler.schedule({ fn: download, args: ['https://example.com'], timeout: 5000 });
 * ```
 */
export function taskSignal(): AbortSignal | undefined {
  return signalStorage.getStore();
}
