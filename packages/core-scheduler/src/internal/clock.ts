// The shared clock of every Weft timeline: ms on performance.timeOrigin + performance.now(), the
// same in every thread and process of one machine. Read lazily so fake timers can replace it.

/** Current time in ms on the cross-thread clock. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
