// startWorker's options, checked and given their defaults before anything connects.
import { availableParallelism } from 'node:os';
import { InvalidOptionError } from '../errors.js';
import type { StartWorkerOptions, WorkerKind } from '../worker.js';
import { checkQueueOptions } from './options.js';
import { checkTelemetry } from './telemetry.js';
import type { TelemetrySetting } from './telemetry.js';
import { DEFAULT_MAX_ARGS_BYTES } from './job-data.js';

/**
 * The longest delay Node's timers honour (about 24.8 days). BullMQ arms plain timers from
 * `lockDuration` and `stalledInterval`, so those are refused above it; the worker's own timers
 * (`gracePeriod`, `startReportDelay`, `connectTimeout`) are long timers and take any finite value.
 */
const MAX_NODE_TIMER_MS = 2 ** 31 - 1;
const DEFAULT_START_REPORT_DELAY = 2;

function positiveNumber(
  option: string,
  value: unknown,
  integer: boolean,
  min = 1,
  max = Number.MAX_VALUE,
): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'an integer' : 'a finite number';
    const range =
      max === MAX_NODE_TIMER_MS
        ? `from ${min} to ${MAX_NODE_TIMER_MS} (2^31 - 1 ms, the longest timer BullMQ can arm)`
        : `≥ ${min}`;
    throw new InvalidOptionError(option, value, `${kind} ${range}`);
  }
  return value;
}

/** The numbers and kind of a worker, checked. */
export interface WorkerSettings {
  readonly kind: WorkerKind;
  readonly concurrency: number;
  readonly lockDuration: number;
  readonly stalledInterval: number;
  readonly maxStalledCount: number;
  readonly connectTimeout: number;
  readonly gracePeriod: number;
  readonly startReportDelay: number;
  readonly maxArgsBytes: number;
  /** The tracing hook to load, or none. */
  readonly telemetry: TelemetrySetting;
}

/** Checks `options`, throwing {@link InvalidOptionError} for the first one out of range. */
export function workerSettings(options: StartWorkerOptions): WorkerSettings {
  checkQueueOptions(options);
  const kind = options.kind ?? 'thread';
  if (kind !== 'thread' && kind !== 'process' && kind !== 'inline') {
    throw new InvalidOptionError('kind', kind, '"thread", "process" or "inline"');
  }
  return {
    kind,
    concurrency: positiveNumber('concurrency', options.concurrency ?? availableParallelism(), true),
    lockDuration: positiveNumber(
      'lockDuration',
      options.lockDuration ?? 30_000,
      false,
      1,
      MAX_NODE_TIMER_MS,
    ),
    stalledInterval: positiveNumber(
      'stalledInterval',
      options.stalledInterval ?? 30_000,
      false,
      1,
      MAX_NODE_TIMER_MS,
    ),
    maxStalledCount: positiveNumber('maxStalledCount', options.maxStalledCount ?? 1, true, 0),
    connectTimeout: positiveNumber('connectTimeout', options.connectTimeout ?? 10_000, false),
    gracePeriod: positiveNumber('gracePeriod', options.gracePeriod ?? 30_000, false, 0),
    startReportDelay: positiveNumber(
      'startReportDelay',
      options.startReportDelay ?? DEFAULT_START_REPORT_DELAY,
      false,
      0,
    ),
    maxArgsBytes: positiveNumber(
      'maxArgsBytes',
      options.maxArgsBytes ?? DEFAULT_MAX_ARGS_BYTES,
      true,
    ),
    telemetry: checkTelemetry(options.telemetry),
  };
}
