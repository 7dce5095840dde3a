// The clock every Weft package stamps times with: ms since the Unix epoch, as
// performance.timeOrigin + performance.now(), the same in every thread and process of one machine
// (and close to Date.now() across machines whose clocks are synchronised). Read on each call, so
// fake timers can replace it. Each package keeps this one-line copy (in src/internal/clock.ts)
// rather than import it: it is no part of any package's API, and core-scheduler depends on no
// Weft package. apps/playground/test/shared-contracts.test.ts pins that every copy gives the same
// time on the same origin.

/** Current time in ms on the cross-thread clock. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
