// The worker runtime: the script every pool worker runs, thread or child process. It takes the
// pool's messages: 'init' loads the task modules and runs the initializer (worker-modules.ts), then
// the worker reports ready; 'run' batches go to the task runner (worker-runner.ts, which holds the
// task lifecycle); 'abort'/'cancel' reach a task; 'replies' answer calls on queues and pipes held
// by the pool (remote-client.ts); 'exit' sends the results still held and ends the worker.
import { AsyncLocalStorage } from 'node:async_hooks';
import { parentPort, threadId } from 'node:worker_threads';
import { BatchJoiner } from './batch-joiner.js';
import { claimer } from './claim-word.js';
import { CONTEXT_KEY, STATUS_MODULE_ERROR, type InitMessage, type ToWorker } from './protocol.js';
import { flattenError } from './remote-error.js';
import { installRemoteClient, onReplies } from './remote-client.js';
import { startRecorder } from './start-signal.js';
import type { TaskContext, WorkerGlobalContext } from './worker-context.js';
import { clone, isThread, post } from './worker-env.js';
import { reviveArgs } from './worker-invoke.js';
import { loadError, loadModules, moduleUrl, resolveTask } from './worker-modules.js';
import { TaskRunner } from './worker-runner.js';

const als = new AsyncLocalStorage<TaskContext>();
const global: WorkerGlobalContext = {
  workerId: -1,
  kind: isThread ? 'thread' : 'process',
  pid: process.pid,
  threadId,
  store: als,
};
(globalThis as Record<symbol, unknown>)[CONTEXT_KEY] = global;

const runner = new TaskRunner(als, onMessage);

/** Run the initializer; what it threw (the cause of the pool's WorkerInitError), if it failed. */
async function runInitializer(message: InitMessage): Promise<{ error: unknown } | undefined> {
  const [mod, name] = message.initializer!;
  try {
    const fn = resolveTask(mod, name);
    if (typeof fn !== 'function') {
      throw fn.status === STATUS_MODULE_ERROR
        ? new Error(`Task module ${String(moduleUrl(mod))} failed to load`, {
            cause: loadError(mod),
          })
        : new Error(`Initializer ${name} is not an exported function of ${String(moduleUrl(mod))}`);
    }
    const initArgs = message.initShared
      ? (reviveArgs([...message.initArgs], 0) as unknown[])
      : message.initArgs;
    const ctx: TaskContext = { id: -1, controller: undefined, aborted: false, reason: undefined };
    await als.run(ctx, () => fn(...initArgs));
    return undefined;
  } catch (error) {
    return { error };
  }
}

async function init(message: InitMessage): Promise<void> {
  global.workerId = message.workerId;
  const recorder = startRecorder(message.claimCell, isThread);
  runner.recordStart = recorder.record;
  if (message.claimCell !== undefined) runner.claim = claimer(message.claimCell);
  const failed = await loadModules(message.modules, message.tsxApi);
  if (message.strictModules && failed !== -1) {
    runner.on('init-failed');
    post({
      t: 'init-error',
      phase: 'module',
      module: moduleUrl(failed),
      error: flattenError(loadError(failed), clone),
    });
    return;
  }
  if (message.initializer !== null) {
    const failure = await runInitializer(message);
    if (failure !== undefined) {
      runner.on('init-failed');
      post({
        t: 'init-error',
        phase: 'initializer',
        module: moduleUrl(message.initializer[0]),
        error: flattenError(failure.error, clone),
      });
      return;
    }
  }
  // The pool counts the first task as running once it hears 'ready': record its start first.
  runner.announceNext();
  post({ t: 'ready', pid: process.pid, threadId, starts: recorder.tracked });
  runner.on('ready');
}

function onMessage(message: ToWorker): void {
  switch (message.t) {
    case 'run':
      runner.tasks(message.b, message.c, message.f);
      break;
    case 'abort':
      runner.abort(message.id);
      break;
    case 'cancel':
      runner.cancel(message.id);
      break;
    case 'init':
      void init(message);
      break;
    case 'replies':
      onReplies(message);
      break;
    case 'exit':
      runner.flush();
      process.exit(0);
  }
}

// A worker that exits (process.exit in a task, an uncaught exception) sends the results it still
// holds first, so tasks that finished are not reported as lost (at most once: they are not re-run).
process.on('exit', () => {
  try {
    runner.flush();
  } catch {
    // the channel is already gone
  }
});

if (isThread) {
  parentPort!.on('message', onMessage);
} else {
  // Queues and pipes passed to a process worker live in the pool; their proxies call it.
  installRemoteClient(post, () => als.getStore()?.id ?? -1);
  // The run batches read in one go are run as one (batch-joiner.ts): one results message for all.
  const runs = new BatchJoiner((batches) => runner.joinedTasks(batches));
  process.on('message', (message: ToWorker) => {
    if (message.t === 'run') {
      // Trace contexts are kept by task id and function table entries by number: they need not
      // wait for the joined batch.
      if (message.f !== undefined) runner.functions(message.f);
      if (message.c !== undefined) runner.traceContexts(message.c);
      runs.add(message.b);
      return;
    }
    runs.flush();
    onMessage(message);
  });
  // An orphaned child (the pool's process died) must not linger.
  process.on('disconnect', () => process.exit(0));
}
