// Answers of the introspection methods (counts, sizeBy, runningTasks), read off the run loop.
import { InvalidOptionError } from '../errors.js';
import type { RunningTask, SizeFilter, TaskCounts } from '../introspection.js';
import type { RunLoop } from './run-loop.js';
import { oneOf } from './validate.js';

export function countsOf(loop: RunLoop): TaskCounts {
  const { waiting, queued, running, backoff, done } = loop.tally;
  return { waiting, queued, running, backoff, done };
}

export function sizeBy(loop: RunLoop, filter: SizeFilter): number {
  if (typeof filter !== 'object' || filter === null)
    throw new InvalidOptionError(
      'filter',
      filter,
      'an object { priority?, kind?, name?, executor? }',
    );
  const { priority, kind, name, executor } = filter;
  if (priority !== undefined && typeof priority !== 'number')
    throw new InvalidOptionError('filter.priority', priority, 'a number');
  if (kind !== undefined) oneOf('filter.kind', kind, ['cpu', 'io', 'auto'] as const);
  if (name !== undefined && typeof name !== 'string')
    throw new InvalidOptionError('filter.name', name, 'a string');
  if (executor !== undefined) oneOf('filter.executor', executor, ['cpu', 'io'] as const);
  let count = 0;
  for (const record of loop.notStarted()) {
    if (priority !== undefined && record.priority !== priority) continue;
    if (kind !== undefined && record.kind !== kind) continue;
    if (name !== undefined && record.name !== name) continue;
    if (executor !== undefined && record.lane.name !== executor) continue;
    count++;
  }
  return count;
}

export function runningTasksOf(loop: RunLoop): RunningTask[] {
  const time = loop.clock();
  const epoch = loop.epoch;
  const found: RunningTask[] = [];
  for (const record of loop.tally.inRunning()) {
    const task: RunningTask = {
      id: record.id,
      name: record.name,
      kind: record.kind,
      executor: record.lane.name,
      priority: record.priority,
      attempt: record.attempt,
      startTime: epoch + record.since,
    };
    const timeout = record.x?.timeout;
    found.push(
      timeout === undefined
        ? task
        : {
            ...task,
            timeout,
            timeoutRemaining: Math.max(0, timeout - (time - record.since)),
          },
    );
  }
  return found;
}
