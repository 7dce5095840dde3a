// `isExecutorFailure` on the executor's errors: the mark @weft/core-scheduler reads to tell the
// executor's own failures (retried, reported as ExecutorFailedError) from the caller's mistakes.
import { describe, expect, it } from 'vitest';
import * as errors from '../src/errors.js';

const made: Record<string, Error> = {
  RedisUnavailableError: new errors.RedisUnavailableError('redis://127.0.0.1:1', 100),
  RedisConnectionLostError: new errors.RedisConnectionLostError('7', 100),
  JobLostError: new errors.JobLostError('7', 'its lock expired'),
  ExecutorClosedError: new errors.ExecutorClosedError('weft'),
  TaskNotRegisteredError: new errors.TaskNotRegisteredError('fib', []),
  JobDataInvalidError: new errors.JobDataInvalidError('7', 'no args'),
  TaskModuleLoadError: new errors.TaskModuleLoadError('file:///tasks.js', 'host'),
  TaskExportNotFoundError: new errors.TaskExportNotFoundError('file:///tasks.js', 'fib'),
  ValueNotSerializableError: new errors.ValueNotSerializableError('args'),
  InvalidOptionError: new errors.InvalidOptionError('attempts', 0, 'a positive integer'),
  JobCancelledError: new errors.JobCancelledError('7', 'running'),
  TelemetryLoadError: new errors.TelemetryLoadError('bullmq-otel'),
};

describe('isExecutorFailure on distributed errors', () => {
  it.each([
    'RedisUnavailableError',
    'RedisConnectionLostError',
    'JobLostError',
    'ExecutorClosedError',
  ])('%s is the executor failing: true', (name) => {
    expect((made[name] as { isExecutorFailure?: unknown }).isExecutorFailure).toBe(true);
  });
  it.each([
    'TaskNotRegisteredError',
    'JobDataInvalidError',
    'TaskModuleLoadError',
    'TaskExportNotFoundError',
    'ValueNotSerializableError',
    'InvalidOptionError',
    'TelemetryLoadError',
  ])("%s is the caller's mistake: false", (name) => {
    expect((made[name] as { isExecutorFailure?: unknown }).isExecutorFailure).toBe(false);
  });
  it("leaves a job's own cancellation unmarked", () => {
    expect((made.JobCancelledError as { isExecutorFailure?: unknown }).isExecutorFailure).toBe(
      undefined,
    );
  });
  it('covers every exported error class', () => {
    const classes = Object.entries(errors)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
      .map(([name]) => name)
      .filter((name) => name !== 'DistributedError');
    expect(classes.sort()).toEqual(Object.keys(made).sort());
  });
});
