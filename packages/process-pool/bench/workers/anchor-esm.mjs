// Worker file for piscina and tinypool: a default export taking one argument.
export default function noop(x) {
  return x;
}
