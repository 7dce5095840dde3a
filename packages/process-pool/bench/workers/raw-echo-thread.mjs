// The floor for thread workers: a bare worker_threads echo, one message per task. With a SAB
// queue pair in workerData it instead echoes through @weft/sync-primitives' Queue (blocking get
// and put: the shared-memory hand-off floor).
import { parentPort, workerData } from 'node:worker_threads';
import { Queue } from '@weft/sync-primitives';

if (workerData?.queues !== undefined) {
  const request = Queue.from(workerData.queues[0]);
  const reply = Queue.from(workerData.queues[1]);
  for (;;) {
    const x = request.get();
    if (x === null) break;
    reply.put(x);
  }
} else {
  parentPort.on('message', (x) => parentPort.postMessage(x));
}
