// Task module for the benchmark: the tiniest task there is.
export function add(a, b) {
  return a + b;
}
