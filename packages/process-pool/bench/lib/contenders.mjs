// Everything the benchmark measures, behind one shape:
//   { name, role: 'weft' | 'anchor' | 'floor', open(workers), close(handle),
//     call?(handle, op, arg, transfer) → Promise, burst?(handle, n), seq?(handle, n) }
// Pools implement `call` (the case drivers in cases.mjs build bursts and sequences from it); the
// floors, which are bare channels rather than pools, implement `burst` (n tiny messages in flight
// at once, one per task) and `seq` (n round trips one after the other) directly.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Pool } from '@weft/process-pool';
import { Queue } from '@weft/sync-primitives';
import { Piscina } from 'piscina';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';
import { FixedClusterPool, FixedThreadPool } from 'poolifier';
import * as tasks from '../tasks.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const tasksUrl = new URL('../tasks.mjs', import.meta.url);
const anchorWorker = here('../workers/anchor-esm.mjs');
const wpWorker = here('../workers/workerpool-worker.cjs');
const poolifierWorker = here('../workers/poolifier-worker.mjs');
const poolifierClusterWorker = here('../workers/poolifier-cluster-worker.cjs');
const rawThread = here('../workers/raw-echo-thread.mjs');
const rawChild = here('../workers/raw-echo-child.mjs');

export const weft = (kind) => ({
  name: `weft (${kind})`,
  role: 'weft',
  async open(workers) {
    const pool = new Pool({ module: tasksUrl, kind, maxWorkers: workers, minWorkers: workers });
    await pool.ready();
    return pool;
  },
  call: (pool, op, arg, transfer) =>
    transfer === undefined
      ? pool.apply(tasks[op], [arg])
      : pool.apply(tasks[op], [arg], { transfer }),
  close: (pool) => pool.terminate(),
});

export const piscina = {
  name: 'piscina 5',
  role: 'anchor',
  open: async (n) => new Piscina({ filename: anchorWorker, minThreads: n, maxThreads: n }),
  call: (p, op, arg, transfer) =>
    op === 'noop' && transfer === undefined
      ? p.run(arg)
      : p.run(arg, { name: op, ...(transfer === undefined ? {} : { transferList: transfer }) }),
  close: (p) => p.destroy(),
};

export const tinypool = {
  name: 'tinypool 2 (thread)',
  role: 'anchor',
  open: async (n) =>
    new Tinypool({
      filename: anchorWorker,
      minThreads: n,
      maxThreads: n,
      runtime: 'worker_threads',
    }),
  call: (p, _op, arg) => p.run(arg),
  close: (p) => p.destroy(),
};

export const workerpoolThreads = {
  name: 'workerpool 10 (thread)',
  role: 'anchor',
  open: async (n) =>
    workerpool.pool(wpWorker, { minWorkers: n, maxWorkers: n, workerType: 'thread' }),
  call: (p, _op, arg) => p.exec('noop', [arg]),
  close: (p) => p.terminate(true),
};

export const poolifier = {
  name: 'poolifier 5 (thread)',
  role: 'anchor',
  open: async (n) => new FixedThreadPool(n, poolifierWorker),
  call: (p, op, arg, transfer) =>
    transfer === undefined ? p.execute(arg, op) : p.execute(arg, op, undefined, transfer),
  close: (p) => p.destroy(),
};

export const poolifierCluster = {
  name: 'poolifier 5 (cluster)',
  role: 'anchor',
  open: async (n) => new FixedClusterPool(n, poolifierClusterWorker),
  call: (p, _op, arg) => p.execute(arg),
  close: (p) => p.destroy(),
};

// ---------------------------------------------------------------- floors

/** Send `n` messages round-robin over `peers` at once and resolve when `n` replies came back. */
function pipelined(handle, n, post) {
  return new Promise((resolve) => {
    handle.left = n;
    handle.done = resolve;
    const peers = handle.peers;
    const k = peers.length;
    for (let i = 0; i < n; i++) post(peers[i % k], i);
  });
}

function countReply(handle) {
  return () => {
    if (--handle.left === 0) handle.done();
  };
}

/** A bare worker_threads echo: one postMessage per task each way, nothing else. */
export const rawThreads = {
  name: 'floor: raw postMessage',
  role: 'floor',
  async open(n) {
    const handle = { peers: [], left: 0, done: undefined, next: undefined };
    for (let i = 0; i < n; i++) {
      const worker = new Worker(rawThread);
      worker.on('message', (x) =>
        handle.next === undefined ? countReply(handle)() : handle.next(x),
      );
      handle.peers.push(worker);
    }
    await Promise.all(handle.peers.map((w) => once(w, 'online')));
    return handle;
  },
  burst: (handle, n) => {
    handle.next = undefined;
    const reply = countReply(handle);
    for (const w of handle.peers) w.removeAllListeners('message').on('message', reply);
    return pipelined(handle, n, (w, i) => w.postMessage(i));
  },
  async seq(handle, n) {
    const w = handle.peers[0];
    let next;
    w.removeAllListeners('message').on('message', (x) => next(x));
    for (let i = 0; i < n; i++) {
      await new Promise((resolve) => {
        next = resolve;
        w.postMessage(i);
      });
    }
  },
  close: (handle) => Promise.all(handle.peers.map((w) => w.terminate())),
};

/**
 * A shared-memory hand-off: the request and the reply each go through a @weft/sync-primitives
 * Queue (a SharedArrayBuffer ring); the worker parks in a blocking get between items. `wait` is
 * how the main side waits for the reply: 'blocking' (Atomics.wait; the main thread's event loop
 * stops meanwhile) or 'async' (getAsync: Atomics.waitAsync, what a pool would have to use).
 */
export const sabQueue = (wait) => ({
  name: `floor: SAB Queue pair (${wait === 'blocking' ? 'blocking get' : 'getAsync'} on main)`,
  role: 'floor',
  async open() {
    const request = new Queue();
    const reply = new Queue();
    const worker = new Worker(rawThread, {
      workerData: { queues: [request.toHandle(), reply.toHandle()] },
    });
    await once(worker, 'online');
    return { request, reply, worker };
  },
  async seq({ request, reply }, n) {
    if (wait === 'blocking') {
      for (let i = 0; i < n; i++) {
        request.put(i);
        reply.get();
      }
    } else {
      for (let i = 0; i < n; i++) {
        request.put(i);
        await reply.getAsync();
      }
    }
  },
  async close({ request, worker }) {
    request.put(null);
    await Promise.race([once(worker, 'exit'), new Promise((r) => setTimeout(r, 2000))]);
    await worker.terminate();
  },
});

/** A bare child_process.fork echo: one process.send per task each way. */
export const rawFork = (serialization) => ({
  name: `floor: raw fork IPC (${serialization})`,
  role: 'floor',
  async open(n) {
    const handle = { peers: [], left: 0, done: undefined };
    for (let i = 0; i < n; i++) {
      const child = fork(rawChild, [], {
        serialization,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      child.on('message', countReply(handle));
      handle.peers.push(child);
    }
    // Ready once each child answered one message.
    await pipelined(handle, n, (c) => c.send(0));
    return handle;
  },
  burst: (handle, n) => pipelined(handle, n, (c, i) => c.send(i)),
  async close(handle) {
    await Promise.all(
      handle.peers.map((c) => {
        const exited = once(c, 'exit');
        c.kill('SIGKILL');
        return exited;
      }),
    );
  },
});
