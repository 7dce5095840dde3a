// `isExecutorFailure` on the pool's errors: the mark a scheduler reads to tell the pool's own
// failures (retried, reported as the executor's) from the caller's mistakes (never retried).
import { describe, expect, it } from 'vitest';
import * as errors from '../src/errors.js';

const failures = [
  'PoolClosedError',
  'PoolTerminatedError',
  'PoolBrokenError',
  'WorkerExitedError',
  'WorkerInitError',
  'WorkerStartError',
  'WorkerProtocolError',
  'QueueFullError',
] as const;
const mistakes = [
  'ArgumentNotSendableError',
  'ResultNotSendableError',
  'TaskModuleLoadError',
  'TypeScriptUnsupportedError',
  'TaskNotFoundError',
  'PoolOptionTypeError',
  'PoolOptionRangeError',
  'UnsupportedRuntimeError',
] as const;
const unmarked = [
  'TaskTimeoutError',
  'TaskAbortedError',
  'TaskCancelledError',
  'WaitTimeoutError',
  'ResultNotReadyError',
  'NotInWorkerError',
] as const;

function make(name: string): unknown {
  const Class = (errors as unknown as Record<string, new (...args: unknown[]) => unknown>)[name]!;
  // Constructors take strings, numbers or an options bag; these placeholders fit each of them.
  switch (name) {
    case 'WorkerExitedError':
      return new Class({ workerId: 1, pid: undefined, threadId: 2, exitCode: 1, signal: null });
    case 'WorkerStartError':
      return new Class(1, 'spawn failed');
    case 'TaskTimeoutError':
      return new Class(10);
    case 'TaskNotFoundError':
      return new Class('fib', ['file:///tasks.js']);
    default:
      return new Class('x', 'y', 'z');
  }
}

describe('isExecutorFailure on pool errors', () => {
  it.each(failures)('%s is the pool failing: true', (name) => {
    expect((make(name) as { isExecutorFailure: unknown }).isExecutorFailure).toBe(true);
  });
  it.each(mistakes)("%s is the caller's mistake: false", (name) => {
    expect((make(name) as { isExecutorFailure: unknown }).isExecutorFailure).toBe(false);
  });
  it.each(unmarked)('%s is a call outcome or not from a call: unmarked', (name) => {
    expect((make(name) as { isExecutorFailure: unknown }).isExecutorFailure).toBeUndefined();
  });
  it('classifies every exported error class', () => {
    const classes = Object.entries(errors)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
      .map(([name]) => name)
      .filter((name) => name !== 'ProcessPoolError');
    expect(classes.sort()).toEqual([...failures, ...mistakes, ...unmarked].sort());
  });
});
