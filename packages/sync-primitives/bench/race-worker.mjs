// One thread of the benchmark's two-thread runs: meets the other at a Barrier, then loops.
import { parentPort, workerData } from 'node:worker_threads';
import { reviveShared } from '@weft/sync-primitives';

const { mode, iterations } = workerData;
const start = reviveShared(workerData.start);
const lock = workerData.lock ? reviveShared(workerData.lock) : undefined;
const cells = new Int32Array(workerData.cells);

function run() {
  switch (mode) {
    case 'unprotected':
      for (let i = 0; i < iterations; i++) cells[0]++;
      break;
    case 'atomics':
      for (let i = 0; i < iterations; i++) Atomics.add(cells, 0, 1);
      break;
    case 'bare-spinlock':
      // The floor: an unfair test-and-set spinlock, one compareExchange + one store per op.
      for (let i = 0; i < iterations; i++) {
        while (Atomics.compareExchange(cells, 8, 0, 1) !== 0);
        cells[0]++;
        Atomics.store(cells, 8, 0);
      }
      break;
    case 'mutex-manual':
      for (let i = 0; i < iterations; i++) {
        lock.acquire();
        cells[0]++;
        lock.release();
      }
      break;
    case 'mutex-scoped':
      // What `using guard = mutex.lock()` lowers to.
      for (let i = 0; i < iterations; i++) {
        const guard = lock.lock();
        try {
          cells[0]++;
        } finally {
          guard[Symbol.dispose]();
        }
      }
      break;
    case 'mutex-withlock':
      for (let i = 0; i < iterations; i++) lock.withLock(() => cells[0]++);
      break;
    case 'semaphore':
      for (let i = 0; i < iterations; i++) {
        lock.acquire();
        cells[0]++;
        lock.release();
      }
      break;
    case 'rwlock-read-heavy':
      // 1 write in 20; readers read the counter.
      for (let i = 0; i < iterations; i++) {
        if (i % 20 === 0) {
          lock.acquireWrite();
          cells[0]++;
          lock.releaseWrite();
        } else {
          lock.acquireRead();
          if (cells[0] < 0) throw new Error('impossible');
          lock.releaseRead();
        }
      }
      break;
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

start.wait();
const t0 = performance.now();
run();
parentPort.postMessage(performance.now() - t0);
