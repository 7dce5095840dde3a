// Task module of bench/queue-ipc.bench.ts: the worker side of the cross-process queue benchmark.

/** Put 0..n-1 with blocking puts (one synchronous round trip to the pool per item). */
export function produceBlocking(queue, n) {
  for (let i = 0; i < n; i++) queue.put(i);
  return n;
}

/** Put 0..n-1 with putAsync, all in flight at once (pipelined over the IPC channel). */
export async function producePipelined(queue, n) {
  const puts = new Array(n);
  for (let i = 0; i < n; i++) puts[i] = queue.putAsync(i);
  await Promise.all(puts);
  return n;
}

/** Take n items from `input` and put each on `output` (blocking forms): the ping-pong peer. */
export function echo(input, output, n) {
  for (let i = 0; i < n; i++) output.put(input.get());
  return n;
}
