// Task module of the mixed benchmark: a CPU-bound and an I/O-bound task (plain ESM so pool
// workers load it directly).

/** Busy for `ms` ms of CPU. */
export function spin(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x = (x + Math.sqrt(x + 1)) % 1e9;
  return x > -1;
}

/** Waits `ms` ms without CPU, like a network or disk round trip. */
export function wait(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(true), ms));
}
