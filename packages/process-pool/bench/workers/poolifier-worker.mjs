// Worker file for poolifier.
import { ThreadWorker } from 'poolifier';
export default new ThreadWorker((data) => data);
