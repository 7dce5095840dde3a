// The clock every Weft package stamps times with: ms since the Unix epoch, as
// performance.timeOrigin + performance.now(), the same in every thread and process of one machine
// (and close to Date.now() across machines whose clocks are synchronised). performance.now() is
// read on each call, so fake timers can replace it. Each package keeps this small copy (in
// src/internal/clock.ts) rather than import it: it is no part of any package's API, and a shared
// export would make it part of one. apps/playground/test/shared-contracts.test.ts pins that every
// copy gives the same time on the same origin.

// The origin is constant for the life of the thread, and its getter is a native call that returns a
// new heap number on every read: read once, it costs each stamp nothing.
const origin = performance.timeOrigin;

/** Current time in ms on the cross-thread clock. */
export function now(): number {
  return origin + performance.now();
}
