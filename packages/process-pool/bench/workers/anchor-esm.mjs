// Worker file for piscina and tinypool: the default export is the no-op; `run(x, { name })`
// reaches the others (the same functions as ../tasks.mjs).
export { noop as default, noop, spin, bytes } from '../tasks.mjs';
