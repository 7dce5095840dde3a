// Pool options, checked once at construction (bad options throw before any work starts) and
// resolved to the values the pool runs with.
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PoolOptionRangeError, PoolOptionTypeError } from '../errors.js';
import type { PoolOptions, WorkerKind } from '../pool-options.js';
import { assertResourceLimitsEnforced } from './runtime-support.js';
import { resolveTaskModule, stripsTypes, tsxApiOf, workerExecArgv } from './typescript-loader.js';
import type { StartOptions } from './worker-start.js';

/** The options a pool runs with, checked and with their defaults filled in. */
export interface PoolConfig {
  readonly options: PoolOptions;
  readonly kind: WorkerKind;
  /** Task module URLs, resolved. */
  readonly modules: readonly string[];
  readonly maxWorkers: number;
  readonly minWorkers: number;
  readonly idleTimeout: number;
  readonly maxTasksPerWorker: number;
  readonly maxQueue: number;
  readonly prefetch: number | 'auto';
  readonly abortGracePeriod: number;
  readonly startTimeout: number;
  readonly start: StartOptions;
  /** The execArgv workers start with; `undefined`: they inherit the program's. */
  readonly execArgv: readonly string[] | undefined;
  /** Thread workers under tsx: the file of tsx's register API, which they call themselves. */
  readonly tsxApi: string | undefined;
}

/** Throw unless `value` is an integer >= `min` (or Infinity, when allowed). */
export function positiveInteger(
  name: string,
  value: unknown,
  min: number,
  allowInfinity = false,
): void {
  if (typeof value !== 'number')
    throw new PoolOptionTypeError(name, `expected a number, got ${typeof value}`);
  if (!(allowInfinity && value === Infinity) && (!Number.isInteger(value) || value < min)) {
    throw new PoolOptionRangeError(
      name,
      `expected an integer >= ${String(min)}${allowInfinity ? ' or Infinity' : ''}, got ${String(value)}`,
    );
  }
}

function nonNegative(name: string, value: unknown): void {
  if (typeof value !== 'number')
    throw new PoolOptionTypeError(name, `expected a number of ms, got ${typeof value}`);
  if (!(value >= 0))
    throw new PoolOptionRangeError(name, `expected a number of ms >= 0, got ${String(value)}`);
}

function oneOf(name: string, value: string | undefined, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value))
    throw new PoolOptionRangeError(
      name,
      `expected ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${String(value)}`,
    );
}

function moduleHref(value: unknown): string {
  if (value instanceof URL) return value.href;
  if (typeof value !== 'string')
    throw new PoolOptionTypeError(
      'module',
      `expected a URL, a file: URL string or an absolute path, got ${typeof value}`,
    );
  if (isAbsolute(value)) return pathToFileURL(value).href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return value;
  throw new PoolOptionRangeError(
    'module',
    `expected a URL, a file: URL string or an absolute path, got the relative path ${JSON.stringify(value)}; use new URL('./tasks.js', import.meta.url)`,
  );
}

/**
 * Check `options` and fill in the defaults.
 *
 * @throws PoolOptionTypeError or PoolOptionRangeError for invalid options; UnsupportedRuntimeError
 *   for thread `resourceLimits` on a runtime that ignores them (Bun).
 */
export function resolvePoolConfig(options: PoolOptions): PoolConfig {
  if (typeof options !== 'object' || options === null)
    throw new PoolOptionTypeError('options', 'expected an object with at least `module`');
  const list: readonly unknown[] = Array.isArray(options.module)
    ? (options.module as readonly unknown[])
    : [options.module];
  if (list.length === 0)
    throw new PoolOptionRangeError('module', 'expected at least one task module');
  const kind = options.kind ?? 'thread';
  if (kind !== 'thread' && kind !== 'process')
    throw new PoolOptionRangeError('kind', `expected 'thread' or 'process', got ${String(kind)}`);
  if (options.execArgv !== undefined && !Array.isArray(options.execArgv))
    throw new PoolOptionTypeError(
      'execArgv',
      `expected an array of strings, got ${typeof options.execArgv}`,
    );
  // The flags workers start with decide whether they load TypeScript (typescript-loader.ts).
  const execArgv = workerExecArgv(options.execArgv);
  const tsxApi = tsxApiOf(execArgv ?? process.execArgv);
  const canLoadTs = tsxApi !== undefined || stripsTypes(execArgv ?? process.execArgv);
  const modules = list.map((m) => resolveTaskModule(moduleHref(m), canLoadTs));
  if (kind === 'thread' && options.resourceLimits !== undefined) assertResourceLimitsEnforced();
  const maxWorkers = options.maxWorkers ?? availableParallelism();
  positiveInteger('maxWorkers', maxWorkers, 1);
  const minWorkers = options.minWorkers ?? 0;
  positiveInteger('minWorkers', minWorkers, 0);
  if (minWorkers > maxWorkers)
    throw new PoolOptionRangeError(
      'minWorkers',
      `expected at most maxWorkers (${String(maxWorkers)}), got ${String(minWorkers)}`,
    );
  const idleTimeout = options.idleTimeout ?? 10_000;
  nonNegative('idleTimeout', idleTimeout);
  const maxTasksPerWorker = options.maxTasksPerWorker ?? Infinity;
  positiveInteger('maxTasksPerWorker', maxTasksPerWorker, 1, true);
  const maxQueue = options.maxQueue ?? Infinity;
  positiveInteger('maxQueue', maxQueue, 0, true);
  oneOf('onQueueFull', options.onQueueFull, ['reject', 'wait']);
  oneOf('onWorkerExit', options.onWorkerExit, ['respawn', 'break']);
  oneOf('stderr', options.stderr, ['inherit', 'capture']);
  const prefetch = options.prefetch ?? 'auto';
  if (prefetch !== 'auto') positiveInteger('prefetch', prefetch, 1);
  const abortGracePeriod = options.abortGracePeriod ?? 1000;
  nonNegative('abortGracePeriod', abortGracePeriod);
  const startTimeout = options.startTimeout ?? 60_000;
  nonNegative('startTimeout', startTimeout);
  if (options.execPath !== undefined && typeof options.execPath !== 'string')
    throw new PoolOptionTypeError(
      'execPath',
      `expected the path of a node binary, got ${typeof options.execPath}`,
    );
  if (options.maxCallFrameBytes !== undefined)
    positiveInteger('maxCallFrameBytes', options.maxCallFrameBytes, 1);
  if (options.initializer !== undefined && typeof options.initializer !== 'function') {
    throw new PoolOptionTypeError(
      'initializer',
      `expected a function exported by a task module, got ${typeof options.initializer}`,
    );
  }
  const telemetry: unknown = options.telemetry;
  if (
    telemetry !== undefined &&
    typeof telemetry !== 'boolean' &&
    (typeof telemetry !== 'object' || telemetry === null)
  )
    throw new PoolOptionTypeError(
      'telemetry',
      `expected a boolean or { tracerProvider?, meterProvider? }, got ${typeof telemetry}`,
    );
  if (options.initArgs !== undefined && !Array.isArray(options.initArgs))
    throw new PoolOptionTypeError('initArgs', `expected an array, got ${typeof options.initArgs}`);
  return {
    options,
    kind,
    modules,
    maxWorkers,
    minWorkers,
    idleTimeout,
    maxTasksPerWorker,
    maxQueue,
    prefetch,
    abortGracePeriod,
    startTimeout,
    start: { kind, cwd: options.cwd, execPath: options.execPath, execArgv },
    execArgv,
    tsxApi: kind === 'thread' ? tsxApi : undefined,
  };
}
