// The executor-failure mark (`isExecutorFailure`, documented on Executor): the scheduler classifies
// an executor's rejection by that property, never by the error's code.
import { describe, expect, it } from 'vitest';
import {
  ExecutorFailedError,
  RetryExhaustedError,
  Scheduler,
  type Executor,
} from '@weft/core-scheduler';
import { fakeExecutor } from './helpers.js';

/** An executor that rejects every call with `make()` and counts the calls. */
function rejecting(make: () => Error): {
  executor: ReturnType<typeof fakeExecutor>;
  calls: () => number;
} {
  let calls = 0;
  const executor = fakeExecutor(() => {
    calls++;
    return Promise.reject(make());
  });
  return { executor, calls: () => calls };
}

class WorkerGoneError extends Error {
  readonly code = 'ERR_ACME_WORKER_GONE';
}
// Inherited, not own: the mark may live on the prototype.
Object.defineProperty(WorkerGoneError.prototype, 'isExecutorFailure', { value: true });

describe('executor failures are told by the isExecutorFailure mark', () => {
  it('wraps an error marked isExecutorFailure: true (own property) in ExecutorFailedError and retries it by default', async () => {
    const { executor, calls } = rejecting(() =>
      Object.assign(new Error('worker died'), { isExecutorFailure: true }),
    );
    const scheduler = new Scheduler({ cpu: executor });
    const error = await scheduler
      .schedule({ fn: () => 1, kind: 'cpu', retry: { attempts: 3 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryExhaustedError);
    const errors = (error as RetryExhaustedError).errors;
    expect(errors).toHaveLength(3);
    expect(errors.every((e) => e instanceof ExecutorFailedError)).toBe(true);
    expect(errors[0]).toMatchObject({ executor: 'cpu', cause: { message: 'worker died' } });
    expect(calls()).toBe(3);
  });

  it('honours an inherited mark, whatever the code', async () => {
    const { executor } = rejecting(() => new WorkerGoneError('gone'));
    const scheduler = new Scheduler({ cpu: executor });
    const error = await scheduler.schedule({ fn: () => 1, kind: 'cpu' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutorFailedError);
    expect((error as Error).cause).toBeInstanceOf(WorkerGoneError);
  });

  it('passes an ERR_WEFT_POOL_ code without the mark through as the task error, not as ExecutorFailedError', async () => {
    const refusal = Object.assign(new Error('no such export'), {
      code: 'ERR_WEFT_POOL_TASK_NOT_FOUND',
    });
    const { executor } = rejecting(() => refusal);
    const scheduler = new Scheduler({ cpu: executor });
    const error = await scheduler.schedule({ fn: () => 1, kind: 'cpu' }).catch((e: unknown) => e);
    expect(error).toBe(refusal);
  });

  it('does not retry an ERR_WEFT_POOL_ error marked isExecutorFailure: false (a caller mistake) by default', async () => {
    const mistake = Object.assign(new Error('no such export'), {
      code: 'ERR_WEFT_POOL_TASK_NOT_FOUND',
      isExecutorFailure: false,
    });
    const { executor, calls } = rejecting(() => mistake);
    const scheduler = new Scheduler({ cpu: executor });
    const error = await scheduler
      .schedule({ fn: () => 1, kind: 'cpu', retry: { attempts: 3 } })
      .catch((e: unknown) => e);
    expect(error).toBe(mistake);
    expect(calls()).toBe(1);
  });

  it('still retries a caller mistake when retryOn says so', async () => {
    const { executor, calls } = rejecting(() =>
      Object.assign(new Error('bad option'), { isExecutorFailure: false }),
    );
    const scheduler = new Scheduler({ cpu: executor });
    const error = await scheduler
      .schedule({ fn: () => 1, kind: 'cpu', retry: { attempts: 2, retryOn: () => true } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect(calls()).toBe(2);
  });

  it('passes through an error that throws when the mark is read', async () => {
    const trap = new Proxy(new Error('odd'), {
      get(target, key, receiver) {
        if (key === 'isExecutorFailure') throw new Error('trap');
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const { executor } = rejecting(() => trap);
    const scheduler = new Scheduler({ cpu: executor });
    const error = await scheduler.schedule({ fn: () => 1, kind: 'cpu' }).catch((e: unknown) => e);
    expect(error).toBe(trap);
  });
});

describe('an executor that throws instead of taking the task', () => {
  it('is the executor failing, unless the thrown error is marked as the caller mistake', async () => {
    let calls = 0;
    const thrower = (error: Error): Executor => ({
      apply: () => {
        calls++;
        throw error;
      },
    });
    const broken = new Scheduler({ cpu: thrower(new Error('no workers')) });
    const failure = await broken
      .schedule({ fn: () => 1, kind: 'cpu', retry: { attempts: 2 } })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RetryExhaustedError);
    expect(calls).toBe(2);
    calls = 0;
    const mistake = Object.assign(new TypeError('not a task export'), { isExecutorFailure: false });
    const refusing = new Scheduler({ cpu: thrower(mistake) });
    const refused = await refusing
      .schedule({ fn: () => 1, kind: 'cpu', retry: { attempts: 2 } })
      .catch((e: unknown) => e);
    expect(refused).toBe(mistake);
    expect(calls).toBe(1);
  });
});
