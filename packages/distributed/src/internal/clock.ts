// The shared clock of contract §1: the same in every thread and process of one machine, and close
// to Date.now() across machines whose clocks are synchronised (NTP).
export function now(): number {
  return performance.timeOrigin + performance.now();
}
