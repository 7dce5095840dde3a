// The iterator imap() returns. Python's IMapIterator raises a task's error from the call of
// next() that reaches it and then goes on with the remaining results; an async generator cannot
// (once it throws it is finished), so the generator inside yields outcomes and this wrapper turns
// a failed one into a rejected next() while keeping the generator going. A `for await` loop still
// ends at the first error, since a rejected next() ends it.

/** One step of imap's inner generator: a value, or the error at that position. */
export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Wrap `inner` so that its failed outcomes reject next() once each, and iteration goes on. */
export function resumeAfterErrors<T>(
  inner: AsyncGenerator<Outcome<T>, void, undefined>,
): AsyncGenerator<T, void, undefined> {
  const iterator: AsyncGenerator<T, void, undefined> = {
    async next(): Promise<IteratorResult<T, void>> {
      const step = await inner.next();
      if (step.done === true) return { done: true, value: undefined };
      if (!step.value.ok) throw step.value.error;
      return { done: false, value: step.value.value };
    },
    async return(): Promise<IteratorResult<T, void>> {
      await inner.return(undefined);
      return { done: true, value: undefined };
    },
    async throw(error: unknown): Promise<IteratorResult<T, void>> {
      const step = await inner.throw(error);
      if (step.done === true) return { done: true, value: undefined };
      if (!step.value.ok) throw step.value.error;
      return { done: false, value: step.value.value };
    },
    [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
      return iterator;
    },
    async [Symbol.asyncDispose](): Promise<void> {
      await inner.return(undefined);
    },
  };
  return iterator;
}
