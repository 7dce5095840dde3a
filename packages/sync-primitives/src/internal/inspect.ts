// How a primitive shows itself in `util.inspect` / `console.log`: its state at the moment of
// printing, in the spirit of Python's repr (`<locked _thread.RLock object owner=… count=1>`,
// asyncio's `[locked, waiters:1]`). Shared primitives read every field from their shared memory,
// so all threads that revived one print the same. The hook is Node's registered symbol, which
// Bun's and Deno's consoles also look up: no runtime module (node:util) is imported for it.

/** The key `util.inspect` calls: `Symbol.for('nodejs.util.inspect.custom')`. */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as typeof INSPECT;

/** `Name [part, part, …]`; `false` and `undefined` parts are left out. */
export function showState(name: string, parts: readonly (string | false | undefined)[]): string {
  let body = '';
  for (const part of parts) {
    if (typeof part !== 'string') continue;
    body += body === '' ? part : `, ${part}`;
  }
  return `${name} [${body}]`;
}

/** `owner=<threadId>` when known. */
export function ownerPart(owner: number | undefined): string | undefined {
  return owner === undefined ? undefined : `owner=${owner}`;
}

/** `timeout=<ms>` unless it is the default (none). */
export function timeoutPart(timeout: number): string | undefined {
  return timeout === Infinity ? undefined : `timeout=${timeout}`;
}

/** What a barrier (shared or async) shows: waiters out of parties, or broken; its default timeout. */
export function barrierParts(barrier: {
  readonly broken: boolean;
  readonly nWaiting: number;
  readonly parties: number;
  readonly timeout: number;
}): (string | undefined)[] {
  return barrier.broken
    ? ['broken', `parties=${barrier.parties}`, timeoutPart(barrier.timeout)]
    : [`waiters=${barrier.nWaiting}/${barrier.parties}`, timeoutPart(barrier.timeout)];
}

/**
 * Install `show` as the prototype's inspect hook: non-enumerable, and out of the class's public
 * type (the classes call this from a static block, where their private fields are in reach).
 */
export function defineInspect<T>(prototype: T, show: (this: T) => string): void {
  Object.defineProperty(prototype, INSPECT, { value: show, writable: true, configurable: true });
}

/** A primitive's inspect text, for nesting one in another (a condition shows its lock). */
export function inspectOf(value: object): string {
  const show = (value as { [INSPECT]?: () => string })[INSPECT];
  return typeof show === 'function' ? show.call(value) : Object.prototype.toString.call(value);
}
