// Part runner: runs `runWorkload(name, params)` for each message and posts the result back, as a
// worker thread (parentPort) or a child process (process.send). Drives the benchmark's parts, and
// test/task-module.test.ts uses it to stand in for a pool worker.
import { parentPort } from 'node:worker_threads';
import { runWorkload } from '@weft/workloads';

const send = parentPort
  ? (message) => parentPort.postMessage(message)
  : (message) => process.send(message);
const onMessage = parentPort
  ? (fn) => parentPort.on('message', fn)
  : (fn) => process.on('message', fn);

onMessage(async ({ id, name, params }) => {
  try {
    send({ id, ok: true, value: await runWorkload(name, params) });
  } catch (error) {
    send({ id, ok: false, error: { name: error.name, code: error.code, message: error.message } });
  }
});
