// A batch the serializer refused. The pool checks a task's arguments when it is submitted, but
// structured clone or v8 serialization may still refuse one (a value the check cannot foresee, a
// getter that throws): then the tasks it cannot copy are found one by one and rejected, and the
// rest of the batch goes as usual. Rare, so it lives apart from the dispatcher's per-task path.
import { serialize } from 'node:v8';
import { ArgumentNotSendableError } from '../errors.js';
import { findUnsendable } from './args.js';
import type { DispatchHost } from './dispatcher.js';
import type { FunctionTable } from './function-table.js';
import { FLAG_MAP, FLAG_STARMAP, TASK_STRIDE, runMessageOf } from './protocol.js';
import { tracesIn } from './telemetry.js';
import type { WorkerHandle } from './worker-handle.js';
import { now } from './clock.js';

/**
 * The serializer refused `batch` (sent to `worker` with `transfer`, trace contexts `traces` and
 * function table entries `f`), though the submit-time check let its tasks through: find the
 * task(s) it could not copy, reject them, and send the rest.
 */
export function sendWhatCan(
  host: DispatchHost,
  functions: FunctionTable,
  worker: WorkerHandle,
  batch: unknown[],
  transfer: WorkerHandle['transfer'],
  error: unknown,
  traces: unknown[] | undefined,
  f: unknown[] | undefined,
): void {
  const clone =
    host.kind === 'thread'
      ? (v: unknown): void => void structuredClone(v)
      : (v: unknown): void => void serialize(v);
  const good: unknown[] = [];
  for (let i = 0; i < batch.length; i += TASK_STRIDE) {
    try {
      clone(batch[i + 2]);
      good.push(...batch.slice(i, i + TASK_STRIDE));
    } catch {
      const task = worker.drop(batch[i] as number);
      if (task === undefined) continue;
      const args = task.args as unknown[]; // as given (FLAG_ONE sent its one argument bare)
      host.fail(
        task,
        (task.flags & (FLAG_MAP | FLAG_STARMAP)) !== 0
          ? findUnsendable(args, clone, error, 'items', task.extras?.offset ?? 0)
          : findUnsendable(args, clone, error),
      );
    }
  }
  if (good.length > 0) {
    try {
      worker.channel.send(runMessageOf(good, tracesIn(traces, good), f), transfer);
      if (f !== undefined) worker.functionsKnown = Math.max(worker.functionsKnown, functions.size);
      worker.channel.claims?.sent(good.length / TASK_STRIDE);
    } catch (again) {
      for (let i = 0; i < good.length; i += TASK_STRIDE) {
        const task = worker.drop(good[i] as number);
        if (task === undefined) continue;
        host.fail(
          task,
          new ArgumentNotSendableError('args', 'the serializer refused the batch', {
            cause: again,
          }),
        );
      }
    }
  }
  const head = worker.inflight.peek();
  if (head !== undefined && head.state === 'sent' && worker.ready) host.markRunning(head, now());
  if (worker.inflight.length === 0) host.drained(worker);
}
