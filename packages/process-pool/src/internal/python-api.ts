// The Python layer: map, starmap, imap and imap_unordered as chunked calls over the one run path,
// and the callbacks of the *_async variants. Python's semantics: map waits for every chunk and
// throws the first error by position; imap streams in bounded memory and goes on after an error.
import { TaskCancelledError } from '../errors.js';
import type { ApplyAsyncOptions, ImapOptions, MapOptions } from '../pool-options.js';
import { prepareArgs } from './args.js';
import { Deque } from './deque.js';
import type { PoolTask } from './dispatcher.js';
import type { Outcome } from './imap-iterator.js';
import { positiveInteger } from './pool-config.js';
import { FLAG_SHARED, FLAG_STARMAP } from './protocol.js';
import type { RunPath } from './run-path.js';

// map/starmap items are checked (and shared primitives wrapped) once, up front, so the
// positions in errors are positions in the whole input.
function prepareItems(
  run: RunPath,
  iterable: Iterable<unknown>,
  flags: number,
): { items: unknown[]; shared: boolean; remotes: readonly number[] } {
  const items = Array.from(iterable);
  if (flags === FLAG_STARMAP) {
    for (let i = 0; i < items.length; i++) {
      if (!Array.isArray(items[i]))
        throw new TypeError(
          `starmap expects argument lists; item ${String(i)} is ${typeof items[i]}`,
        );
    }
  }
  const prepared = prepareArgs(items, run.kind, 'items', run.registry);
  return {
    items: prepared.args as unknown[],
    shared: prepared.shared,
    remotes: prepared.remotes,
  };
}

/** `map`/`starmap`: chunks over the run path; waits for all, then throws the first error by position. */
export async function mapAll(
  run: RunPath,
  fn: unknown,
  iterable: Iterable<unknown>,
  flags: number,
  options: MapOptions | undefined,
): Promise<unknown[]> {
  const { items, shared, remotes } = prepareItems(run, iterable, flags);
  if (shared) flags |= FLAG_SHARED;
  let settled: PromiseSettledResult<unknown>[];
  try {
    if (items.length === 0) return [];
    let chunksize = options?.chunksize;
    if (chunksize === undefined) chunksize = Math.ceil(items.length / (4 * run.maxWorkers));
    else positiveInteger('chunksize', chunksize, 1);
    const chunks: Promise<unknown>[] = [];
    for (let i = 0; i < items.length; i += chunksize) {
      chunks.push(
        run.runFn(fn, items.slice(i, i + chunksize), flags, options, {
          queued: (task) => {
            if (i > 0) task.more().offset = i;
          },
        }),
      );
    }
    settled = await Promise.allSettled(chunks);
  } finally {
    run.registry.release(remotes);
  }
  const out: unknown[] = [];
  for (const s of settled) {
    if (s.status === 'rejected') throw s.reason;
    for (const v of s.value as unknown[]) out.push(v);
  }
  return out;
}

/** `imap`/`imapUnordered`: a bounded window of chunks over the run path, as outcomes. */
export async function* imapOutcomes(
  run: RunPath,
  fn: unknown,
  iterable: Iterable<unknown> | AsyncIterable<unknown>,
  ordered: boolean,
  flags: number,
  options: ImapOptions | undefined,
): AsyncGenerator<Outcome<unknown>, void, undefined> {
  const chunksize = options?.chunksize ?? 1;
  positiveInteger('chunksize', chunksize, 1);
  const maxInFlight = options?.maxInFlight ?? 64 * run.maxWorkers;
  positiveInteger('maxInFlight', maxInFlight, 1);
  const iterator: Iterator<unknown> | AsyncIterator<unknown> =
    Symbol.asyncIterator in iterable
      ? iterable[Symbol.asyncIterator]()
      : iterable[Symbol.iterator]();
  interface Pending {
    task: PoolTask | undefined;
    result: { ok: boolean; value: unknown } | undefined;
  }
  const pending = new Deque<Pending>();
  const finished: Pending[] = [];
  let wake: (() => void) | undefined;
  let exhausted = false;
  let pulled = 0;
  // The input's own error: the items before it still run and yield, then it is thrown (CPython).
  let inputFailed = false;
  let inputError: unknown;
  const pull = async (): Promise<void> => {
    const chunk: unknown[] = [];
    while (chunk.length < chunksize) {
      let next: IteratorResult<unknown>;
      try {
        next = await iterator.next();
      } catch (error) {
        inputFailed = true;
        inputError = error;
        exhausted = true;
        break;
      }
      if (next.done === true) {
        exhausted = true;
        break;
      }
      chunk.push(next.value);
    }
    if (chunk.length === 0) return;
    const offset = pulled;
    pulled += chunk.length;
    const prepared = prepareArgs(chunk, run.kind, 'items', run.registry, offset);
    const release = (): void => run.registry.release(prepared.remotes);
    const entry: Pending = { task: undefined, result: undefined };
    const settle = (ok: boolean, value: unknown): void => {
      release();
      entry.result = { ok, value };
      if (!ordered) finished.push(entry);
      wake?.();
    };
    // Both outcomes are handled in settle(), so the chain itself needs no keeping.
    void run
      .runFn(fn, prepared.args, flags | (prepared.shared ? FLAG_SHARED : 0), options, {
        queued: (t) => {
          entry.task = t;
          if (offset > 0) t.more().offset = offset;
        },
      })
      .then(
        (value) => settle(true, value),
        (error: unknown) => settle(false, error),
      );
    pending.push(entry);
  };
  try {
    while (true) {
      while (!exhausted && pending.length < maxInFlight) await pull();
      if (pending.length === 0) {
        if (inputFailed) yield { ok: false, error: inputError };
        return;
      }
      let entry: Pending;
      if (ordered) {
        entry = pending.peek()!;
        while (entry.result === undefined) await new Promise<void>((resolve) => (wake = resolve));
        pending.shift();
      } else {
        while (finished.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        entry = finished.shift()!;
        pending.remove(entry);
      }
      wake = undefined;
      const result = entry.result!;
      // A failed chunk rejects one next() and iteration goes on (resumeAfterErrors).
      if (!result.ok) yield { ok: false, error: result.value };
      else for (const value of result.value as unknown[]) yield { ok: true, value };
    }
  } finally {
    // Early exit or error: cancel what is still queued, let the rest finish unobserved.
    for (let entry = pending.shift(); entry !== undefined; entry = pending.shift()) {
      const task = entry.task;
      if (task !== undefined)
        run.cancel(task, new TaskCancelledError('imap was closed before this chunk ran'));
    }
    if (!exhausted) await iterator.return?.();
  }
}

/** Call `callback` / `errorCallback` of an *_async call when its promise settles. */
export function attachCallbacks<R>(
  promise: Promise<R>,
  options: ApplyAsyncOptions<R> | undefined,
): void {
  const callback = options?.callback;
  const errorCallback = options?.errorCallback;
  // No callbacks, no reaction (AsyncResult's own handles the rejection).
  if (callback === undefined && errorCallback === undefined) return;
  promise.then(
    (value) => {
      if (callback === undefined) return;
      try {
        callback(value);
      } catch (error) {
        process.emitWarning(`applyAsync callback threw: ${String(error)}`);
      }
    },
    (error: unknown) => {
      if (errorCallback === undefined) return;
      try {
        errorCallback(error);
      } catch (e) {
        process.emitWarning(`applyAsync errorCallback threw: ${String(e)}`);
      }
    },
  );
}
