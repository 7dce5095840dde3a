// The shared clock of the contracts: ms on performance.timeOrigin + performance.now().
export function now(): number {
  return performance.timeOrigin + performance.now();
}
