// One racer of measure.mjs's Mutex race: increments a shared counter under the shared Mutex.
import { workerData } from 'node:worker_threads';
import { Barrier, Mutex } from '@weft/sync-primitives';

const mutex = Mutex.from(workerData.mutex);
const { counter, rounds } = workerData;
Barrier.from(workerData.start).wait();
for (let i = 0; i < rounds; i++) {
  mutex.acquire();
  counter[0]++;
  mutex.release();
}
