// Worker file for poolifier's thread pool: `execute(data, name)` reaches each task function.
import { ThreadWorker } from 'poolifier';
import { noop, spin, bytes } from '../tasks.mjs';
export default new ThreadWorker({ noop, spin, bytes });
