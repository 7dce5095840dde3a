// Validation of SchedulerOptions, once at construction: bad options throw InvalidOptionError
// naming the option before anything is built; the result is what the run loop reads.
import { InvalidOptionError } from '../errors.js';
import type { Executor } from '../executor.js';
import { InlineExecutor } from '../inline-executor.js';
import type {
  ExecutorOptions,
  RateLimit,
  SchedulerOptions,
  SchedulerTelemetryOptions,
} from '../scheduler-options.js';
import type { OnFull, TaskKind } from '../task.js';
import { markedExecutorFailure } from './executor-failure.js';
import { Lane, type LaneName } from './lane.js';
import { RateLimiter } from './rate-limiter.js';
import { now } from './clock.js';
import { StartLimits } from './start-limits.js';
import {
  nonNegativeFinite,
  ON_FULL,
  oneOf,
  positiveIntegerOrInfinity,
  positiveNumber,
} from './validate.js';

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
  readonly limits: StartLimits | undefined;
  readonly name: string | undefined;
  readonly telemetry: boolean | SchedulerTelemetryOptions;
}

/** The options that make the reservoir and minTime limits. */
export type StartLimitOptions = Pick<
  SchedulerOptions,
  | 'minTime'
  | 'reservoir'
  | 'reservoirRefreshInterval'
  | 'reservoirRefreshAmount'
  | 'reservoirIncreaseInterval'
  | 'reservoirIncreaseAmount'
  | 'reservoirIncreaseMaximum'
>;

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
  const onFull = oneOf('onFull', options.onFull ?? 'wait', ON_FULL);
  const limits = resolveStartLimits(options);
  const defaultKind = oneOf('defaultKind', options.defaultKind ?? 'io', [
    'cpu',
    'io',
    'auto',
  ] as const);
  const paused = options.paused ?? false;
  if (typeof paused !== 'boolean') throw new InvalidOptionError('paused', paused, 'true or false');
  const name = options.name;
  if (name !== undefined && (typeof name !== 'string' || name === ''))
    throw new InvalidOptionError('name', name, 'a non-empty string');
  const telemetry = resolveTelemetry(options.telemetry ?? true);
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
    limits,
    name,
    telemetry,
  };
}

function resolveTelemetry(given: unknown): boolean | SchedulerTelemetryOptions {
  if (typeof given === 'boolean') return given;
  const expected = 'true, false or { tracerProvider?, meterProvider? }';
  if (typeof given !== 'object' || given === null)
    throw new InvalidOptionError('telemetry', given, expected);
  const { tracerProvider, meterProvider } = given as SchedulerTelemetryOptions;
  if (tracerProvider !== undefined && typeof tracerProvider.getTracer !== 'function') {
    throw new InvalidOptionError(
      'telemetry.tracerProvider',
      tracerProvider,
      'an OpenTelemetry TracerProvider (with getTracer)',
    );
  }
  if (meterProvider !== undefined && typeof meterProvider.getMeter !== 'function') {
    throw new InvalidOptionError(
      'telemetry.meterProvider',
      meterProvider,
      'an OpenTelemetry MeterProvider (with getMeter)',
    );
  }
  return given;
}

function nonNegativeInteger(option: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new InvalidOptionError(option, value, 'an integer ≥ 0');
}

export function resolveStartLimits(options: StartLimitOptions): StartLimits | undefined {
  const minTime = nonNegativeFinite('minTime', options.minTime ?? 0);
  const given = options.reservoir;
  const refresh = options.reservoirRefreshInterval;
  const increase = options.reservoirIncreaseInterval;
  if (given === undefined) {
    for (const option of [
      'reservoirRefreshInterval',
      'reservoirRefreshAmount',
      'reservoirIncreaseInterval',
      'reservoirIncreaseAmount',
      'reservoirIncreaseMaximum',
    ] as const) {
      if (options[option] !== undefined)
        throw new InvalidOptionError(option, options[option], 'only with a `reservoir`');
    }
    return minTime === 0 ? undefined : new StartLimits(unlimited(minTime), now());
  }
  const reservoir = nonNegativeInteger('reservoir', given);
  if (refresh !== undefined) positiveNumber('reservoirRefreshInterval', refresh);
  const refreshAmount =
    refresh === undefined
      ? 0
      : nonNegativeInteger('reservoirRefreshAmount', options.reservoirRefreshAmount);
  if (refresh === undefined && options.reservoirRefreshAmount !== undefined) {
    throw new InvalidOptionError(
      'reservoirRefreshAmount',
      options.reservoirRefreshAmount,
      'only with a reservoirRefreshInterval',
    );
  }
  if (increase !== undefined) positiveNumber('reservoirIncreaseInterval', increase);
  const increaseAmount =
    increase === undefined
      ? 0
      : nonNegativeInteger('reservoirIncreaseAmount', options.reservoirIncreaseAmount);
  const increaseMaximum = options.reservoirIncreaseMaximum ?? Infinity;
  if (!(typeof increaseMaximum === 'number' && increaseMaximum >= 0))
    throw new InvalidOptionError('reservoirIncreaseMaximum', increaseMaximum, 'a number ≥ 0');
  return new StartLimits(
    {
      reservoir,
      refreshInterval: refresh === Infinity ? undefined : refresh,
      refreshAmount,
      increaseInterval: increase === Infinity ? undefined : increase,
      increaseAmount,
      increaseMaximum,
      minTime,
    },
    now(),
  );
}

function unlimited(minTime: number): ConstructorParameters<typeof StartLimits>[0] {
  return {
    reservoir: Infinity,
    refreshInterval: undefined,
    refreshAmount: 0,
    increaseInterval: undefined,
    increaseAmount: 0,
    increaseMaximum: Infinity,
    minTime,
  };
}

export function isExecutor(value: unknown): value is Executor {
  return (
    typeof value === 'object' && value !== null && typeof (value as Executor).apply === 'function'
  );
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
  const isFailure = config.isFailure ?? markedExecutorFailure;
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

export function makeRate(option: string, rate: RateLimit): RateLimiter {
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
