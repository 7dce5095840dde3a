// The other thread of bench/queue.bench.ts: echoes (ping-pong) or streams items, through Weft
// queues or through its MessagePort, as the main thread asks.
import { parentPort, workerData } from 'node:worker_threads';
import { Queue, reviveShared } from '@weft/sync-primitives';

const { mode, n } = workerData;

switch (mode) {
  case 'queue-echo': {
    const ping = Queue.from(workerData.ping);
    const pong = Queue.from(workerData.pong);
    for (let i = 0; i < n; i++) pong.put(ping.get());
    break;
  }
  case 'port-echo':
    parentPort.on('message', (m) => {
      parentPort.postMessage(m);
      if (m === n - 1) parentPort.close();
    });
    break;
  case 'queue-stream': {
    const items = Queue.from(workerData.items);
    reviveShared(workerData.start).wait();
    for (let i = 0; i < n; i++) items.put({ id: i, name: 'item' });
    break;
  }
  case 'port-stream':
    parentPort.once('message', () => {
      for (let i = 0; i < n; i++) parentPort.postMessage({ id: i, name: 'item' });
    });
    break;
  default:
    throw new Error(`unknown mode ${mode}`);
}
