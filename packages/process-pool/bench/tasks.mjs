// Weft task module for the benchmark (bench/run.mjs); the anchors' worker files export the same
// functions (workers/anchor-esm.mjs, workers/poolifier-*.mjs, workers/workerpool-worker.cjs).
export function noop(x) {
  return x;
}

export function cpu(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + i * i) % 1000003;
  return s;
}

export function small(x) {
  return x + 1;
}

/** Busy for `ms` milliseconds of wall time: a CPU task whose length does not depend on the CPU. */
export function spin(ms) {
  const until = performance.now() + ms;
  let n = 0;
  while (performance.now() < until) n++;
  return n;
}

/** The byte length of a buffer that was copied or transferred in. */
export function bytes(buffer) {
  return buffer.byteLength;
}

/**
 * An initializer that never returns (bench/submit-bytes.mjs): the worker never reports ready, so
 * every task submitted after the first few only queues on the pool's side.
 */
export function holdStart() {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
