// Changing limits while tasks run (`updateLimits`, the `concurrency` setter): every field is
// checked first and nothing changes if one is wrong; then the new limits apply at once, in both
// directions (raised: queued tasks start now; lowered: running ones go on, no new one starts).
import { InvalidOptionError } from '../errors.js';
import type { ExecutorLimitUpdate, LimitUpdate, RateLimit } from '../scheduler-options.js';
import { now } from './clock.js';
import type { Lane } from './lane.js';
import type { RateLimiter } from './rate-limiter.js';
import { makeRate, resolveStartLimits, type StartLimitOptions } from './resolve-options.js';
import type { RunLoop } from './run-loop.js';
import type { StartLimits } from './start-limits.js';
import { ON_FULL, oneOf, positiveIntegerOrInfinity, positiveNumber } from './validate.js';

const FIELDS: ReadonlySet<string> = new Set<keyof LimitUpdate>([
  'concurrency',
  'rateLimit',
  'minTime',
  'reservoir',
  'reservoirRefreshInterval',
  'reservoirRefreshAmount',
  'reservoirIncreaseInterval',
  'reservoirIncreaseAmount',
  'reservoirIncreaseMaximum',
  'timeout',
  'maxPending',
  'onFull',
  'io',
  'cpu',
]);
const START_LIMIT_FIELDS = [
  'minTime',
  'reservoir',
  'reservoirRefreshInterval',
  'reservoirRefreshAmount',
  'reservoirIncreaseInterval',
  'reservoirIncreaseAmount',
  'reservoirIncreaseMaximum',
] as const;

/**
 * A concurrency the queued tasks can live with: one below the weight of a task not yet started
 * would leave that task queued for ever.
 */
export function checkConcurrency(loop: RunLoop, option: string, value: unknown): number {
  const concurrency = positiveIntegerOrInfinity(option, value);
  if (loop.weighted) {
    let heaviest = 1;
    for (const record of loop.notStarted()) if (record.weight > heaviest) heaviest = record.weight;
    if (heaviest > concurrency) {
      throw new InvalidOptionError(
        option,
        value,
        `at least the weight of the heaviest task not yet started (${heaviest})`,
      );
    }
  }
  return concurrency;
}

function newRate(option: string, given: RateLimit | null, old: RateLimiter | undefined) {
  if (given === null) return undefined;
  const made = makeRate(option, given);
  return old === undefined ? made : old.resized(made.limit, made.interval);
}

interface LanePlan {
  readonly lane: Lane;
  readonly limit: number;
  readonly rate: RateLimiter | undefined;
}

function planLane(loop: RunLoop, name: 'io' | 'cpu', update: ExecutorLimitUpdate): LanePlan {
  const lane = name === 'io' ? loop.io : loop.cpu;
  if (lane === undefined)
    throw new InvalidOptionError(name, update, 'no update: this scheduler has no cpu executor');
  if (typeof update !== 'object' || update === null)
    throw new InvalidOptionError(name, update, 'an object { concurrency?, rateLimit? }');
  for (const key of Object.keys(update)) {
    if (key !== 'concurrency' && key !== 'rateLimit')
      throw new InvalidOptionError(`${name}.${key}`, update[key as never], 'no such limit');
  }
  return {
    lane,
    limit:
      update.concurrency === undefined
        ? lane.limit
        : positiveIntegerOrInfinity(`${name}.concurrency`, update.concurrency),
    rate:
      update.rateLimit === undefined
        ? lane.rate
        : newRate(`${name}.rateLimit`, update.rateLimit, lane.rate),
  };
}

/** The reservoir and minTime limits after `update`, checked as the constructor checks them. */
function planStartLimits(old: StartLimits | undefined, update: LimitUpdate) {
  if (!START_LIMIT_FIELDS.some((field) => update[field] !== undefined)) return old;
  const config = old?.config;
  const time = now();
  const hadReservoir = old !== undefined && old.units(time) !== Infinity;
  const removed = update.reservoir === null;
  const keep = hadReservoir && !removed;
  const merged: { -readonly [K in keyof StartLimitOptions]?: unknown } = {
    minTime: update.minTime ?? config?.minTime ?? 0,
  };
  const reservoir = removed
    ? undefined
    : (update.reservoir ?? (keep ? old.units(time) : undefined));
  if (reservoir !== undefined) merged.reservoir = reservoir;
  const refresh = update.reservoirRefreshInterval ?? (keep ? config!.refreshInterval : undefined);
  if (refresh !== undefined && refresh !== Infinity) {
    merged.reservoirRefreshInterval = refresh;
    merged.reservoirRefreshAmount = update.reservoirRefreshAmount ?? config?.refreshAmount;
  } else if (update.reservoirRefreshAmount !== undefined) {
    merged.reservoirRefreshAmount = update.reservoirRefreshAmount;
  }
  const increase =
    update.reservoirIncreaseInterval ?? (keep ? config!.increaseInterval : undefined);
  if (increase !== undefined && increase !== Infinity) {
    merged.reservoirIncreaseInterval = increase;
    merged.reservoirIncreaseAmount = update.reservoirIncreaseAmount ?? config?.increaseAmount;
  } else if (update.reservoirIncreaseAmount !== undefined) {
    merged.reservoirIncreaseAmount = update.reservoirIncreaseAmount;
  }
  const maximum = update.reservoirIncreaseMaximum ?? (keep ? config!.increaseMaximum : undefined);
  if (maximum !== undefined) merged.reservoirIncreaseMaximum = maximum;
  const fresh = resolveStartLimits(merged as StartLimitOptions);
  if (fresh !== undefined && old !== undefined) fresh.continueFrom(old);
  return fresh;
}

/** Applies `update` to the run loop: all of it, or nothing if a field is wrong. */
export function updateLimits(loop: RunLoop, update: LimitUpdate): void {
  if (typeof update !== 'object' || update === null)
    throw new InvalidOptionError('limits', update, 'an object of LimitUpdate');
  for (const key of Object.keys(update)) {
    if (!FIELDS.has(key))
      throw new InvalidOptionError(key, update[key as keyof LimitUpdate], 'no such limit');
  }
  const concurrency =
    update.concurrency === undefined
      ? loop.concurrency
      : checkConcurrency(loop, 'concurrency', update.concurrency);
  const rate =
    update.rateLimit === undefined ? loop.rate : newRate('rateLimit', update.rateLimit, loop.rate);
  const timeout =
    update.timeout === undefined
      ? loop.timeout
      : update.timeout === Infinity
        ? undefined
        : positiveNumber('timeout', update.timeout);
  const maxPending =
    update.maxPending === undefined
      ? loop.maxPending
      : positiveIntegerOrInfinity('maxPending', update.maxPending);
  const onFull =
    update.onFull === undefined ? loop.onFull : oneOf('onFull', update.onFull, ON_FULL);
  const lanes: LanePlan[] = [];
  if (update.io !== undefined) lanes.push(planLane(loop, 'io', update.io));
  if (update.cpu !== undefined) lanes.push(planLane(loop, 'cpu', update.cpu));
  const limits = planStartLimits(loop.limits, update);
  // Everything is valid: apply.
  loop.concurrency = concurrency;
  loop.rate = rate;
  loop.timeout = timeout;
  loop.maxPending = maxPending;
  loop.onFull = onFull;
  loop.limits = limits;
  for (const plan of lanes) {
    plan.lane.limit = plan.limit;
    plan.lane.rate = plan.rate;
  }
  loop.admitWaiting();
  loop.drain();
}
