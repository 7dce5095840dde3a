// Validation of SchedulerOptions, once at construction: bad options throw InvalidOptionError
// naming the option before anything is built; the result is what the run loop reads.
import { InvalidOptionError } from '../errors.js';
import type { Executor } from '../executor.js';
import { InlineExecutor } from '../inline-executor.js';
import type { ExecutorOptions, RateLimit, SchedulerOptions } from '../scheduler-options.js';
import type { OnFull, TaskKind } from '../task.js';
import { Lane, type LaneName } from './lane.js';
import { RateLimiter } from './rate-limiter.js';
import { oneOf, positiveIntegerOrInfinity, positiveNumber } from './validate.js';

export interface ResolvedOptions {
  readonly io: Lane;
  readonly cpu: Lane | undefined;
  readonly concurrency: number;
  readonly timeout: number | undefined;
  readonly rate: RateLimiter | undefined;
  readonly maxPending: number;
  readonly onFull: OnFull;
  readonly agingInterval: number;
  readonly defaultKind: TaskKind;
  readonly paused: boolean;
}

export function resolveOptions(options: SchedulerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError('options', options, 'an object of SchedulerOptions');
  const agingInterval = positiveNumber('agingInterval', options.agingInterval ?? 1000);
  const io = makeLane('io', options.io ?? new InlineExecutor(), agingInterval);
  const cpu = options.cpu === undefined ? undefined : makeLane('cpu', options.cpu, agingInterval);
  const concurrency = positiveIntegerOrInfinity('concurrency', options.concurrency ?? Infinity);
  const timeout =
    options.timeout === undefined || options.timeout === Infinity
      ? undefined
      : positiveNumber('timeout', options.timeout);
  const rate =
    options.rateLimit === undefined ? undefined : makeRate('rateLimit', options.rateLimit);
  const maxPending = positiveIntegerOrInfinity('maxPending', options.maxPending ?? Infinity);
  const onFull = oneOf('onFull', options.onFull ?? 'wait', ['wait', 'reject'] as const);
  const defaultKind = oneOf('defaultKind', options.defaultKind ?? 'io', [
    'cpu',
    'io',
    'auto',
  ] as const);
  const paused = options.paused ?? false;
  if (typeof paused !== 'boolean') throw new InvalidOptionError('paused', paused, 'true or false');
  return {
    io,
    cpu,
    concurrency,
    timeout,
    rate,
    maxPending,
    onFull,
    agingInterval,
    defaultKind,
    paused,
  };
}

export function isExecutor(value: unknown): value is Executor {
  return (
    typeof value === 'object' && value !== null && typeof (value as Executor).apply === 'function'
  );
}

/** @weft/process-pool's own errors (worker exited, pool broken, task not found, ...), matched by code. */
function isPoolFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_WEFT_POOL_');
}

function makeLane(name: LaneName, given: Executor | ExecutorOptions, agingInterval: number): Lane {
  const config: ExecutorOptions = isExecutor(given) ? { executor: given } : given;
  if (typeof config !== 'object' || config === null || !isExecutor(config.executor)) {
    throw new InvalidOptionError(
      name,
      given,
      'an Executor (with apply(fn, args, options)) or { executor, concurrency?, rateLimit? }',
    );
  }
  // Default to the executor's own capacity, so tasks wait in this scheduler's priority queue
  // rather than in the executor's FIFO.
  const capacity =
    config.executor instanceof InlineExecutor
      ? config.executor.concurrency
      : (config.executor as { maxWorkers?: unknown }).maxWorkers;
  const fallback =
    typeof capacity === 'number' && Number.isInteger(capacity) && capacity > 0
      ? capacity
      : Infinity;
  const limit = positiveIntegerOrInfinity(`${name}.concurrency`, config.concurrency ?? fallback);
  const rate =
    config.rateLimit === undefined ? undefined : makeRate(`${name}.rateLimit`, config.rateLimit);
  const isFailure = config.isFailure ?? isPoolFailure;
  if (typeof isFailure !== 'function')
    throw new InvalidOptionError(`${name}.isFailure`, isFailure, 'a function (error) => boolean');
  return new Lane(
    name,
    config.executor,
    config.executor instanceof InlineExecutor,
    limit,
    rate,
    isFailure,
    agingInterval,
  );
}

function makeRate(option: string, rate: RateLimit): RateLimiter {
  if (typeof rate !== 'object' || rate === null)
    throw new InvalidOptionError(option, rate, 'an object { limit, interval }');
  const limit = rate.limit;
  if (!(typeof limit === 'number' && Number.isInteger(limit) && limit > 0))
    throw new InvalidOptionError(`${option}.limit`, limit, 'a positive integer');
  if (!(typeof rate.interval === 'number' && rate.interval > 0)) {
    throw new InvalidOptionError(
      `${option}.interval`,
      rate.interval,
      'a number of ms greater than 0, or Infinity',
    );
  }
  return new RateLimiter(limit, rate.interval);
}
