// The per-worker and per-task context shared between the worker runtime and `currentWorker()`.
// They are separate bundles, so the context lives on a global symbol key.
import type { AsyncLocalStorage } from 'node:async_hooks';

export interface TaskContext {
  readonly id: number;
  controller: AbortController | undefined;
  aborted: boolean;
  reason: unknown;
}

export interface WorkerGlobalContext {
  workerId: number;
  readonly kind: 'thread' | 'process';
  readonly pid: number;
  readonly threadId: number;
  readonly store: AsyncLocalStorage<TaskContext>;
}
