// The clock every Weft package stamps its events with: ms on performance.timeOrigin +
// performance.now().
export function now(): number {
  return performance.timeOrigin + performance.now();
}
