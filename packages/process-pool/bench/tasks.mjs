// Weft task module for the benchmark.
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
