// The workload registry and the pool task-module entry point `runWorkload`, which runs any
// workload by name in a pool worker: `pool.apply(runWorkload, [name, params])`.
import { UnknownWorkloadError, WorkloadOptionError } from './errors.js';
import { diskFiles, type DiskFilesParams } from './disk-files.js';
import { fannkuch, type FannkuchParams, type FannkuchResult } from './fannkuch.js';
import { gil, type GilParams, type GilResult } from './gil.js';
import { httpRequests, type HttpRequestsParams } from './http-requests.js';
import {
  InterpreterLock,
  isInterpreterLockHandle,
  type InterpreterLockHandle,
} from './interpreter-lock.js';
import type { IoResult } from './io-result.js';
import { isolation, type IsolationParams, type IsolationResult } from './isolation.js';
import { mandelbrot, type MandelbrotParams, type MandelbrotResult } from './mandelbrot.js';
import { nBody, type NBodyParams, type NBodyResult } from './n-body.js';
import { piDigits, type PiDigitsParams, type PiDigitsResult } from './pi-digits.js';
import { piSeries, type PiSeriesParams, type PiSeriesResult } from './pi-series.js';
import { sha256Chain, type Sha256ChainParams, type Sha256ChainResult } from './sha256-chain.js';
import {
  sharedCounter,
  type SharedCounterParams,
  type SharedCounterResult,
} from './shared-counter.js';
import { spectralNorm, type SpectralNormParams, type SpectralNormResult } from './spectral-norm.js';
import { timers, type TimersParams } from './timers.js';
import { asyncCounter, type AsyncCounterParams, type AsyncCounterResult } from './async-counter.js';
import type { Workload } from './workload.js';

/**
 * Every registered workload by name, with its params and result types.
 *
 * @example
 * ```ts
 * import type { WorkloadRegistry } from '@weft/workloads';
 * type MandelbrotWorkload = WorkloadRegistry['mandelbrot'];
 * ```
 */
export interface WorkloadRegistry {
  /** {@link piDigits} */
  readonly 'pi-digits': Workload<PiDigitsParams, PiDigitsResult>;
  /** {@link piSeries} */
  readonly 'pi-series': Workload<PiSeriesParams, PiSeriesResult>;
  /** {@link nBody} */
  readonly 'n-body': Workload<NBodyParams, NBodyResult>;
  /** {@link spectralNorm} */
  readonly 'spectral-norm': Workload<SpectralNormParams, SpectralNormResult>;
  /** {@link fannkuch} */
  readonly fannkuch: Workload<FannkuchParams, FannkuchResult>;
  /** {@link mandelbrot} */
  readonly mandelbrot: Workload<MandelbrotParams, MandelbrotResult>;
  /** {@link sha256Chain} */
  readonly 'sha256-chain': Workload<Sha256ChainParams, Sha256ChainResult>;
  /** {@link httpRequests} */
  readonly http: Workload<HttpRequestsParams, IoResult>;
  /** {@link diskFiles} */
  readonly disk: Workload<DiskFilesParams, IoResult>;
  /** {@link timers} */
  readonly timers: Workload<TimersParams, IoResult>;
  /** {@link sharedCounter} */
  readonly 'shared-counter': Workload<SharedCounterParams, SharedCounterResult>;
  /** {@link asyncCounter} */
  readonly 'async-counter': Workload<AsyncCounterParams, AsyncCounterResult>;
  /** {@link isolation} */
  readonly isolation: Workload<IsolationParams, IsolationResult>;
  /** {@link gil} */
  readonly gil: Workload<GilParams, GilResult>;
}

/**
 * A registered workload name.
 *
 * @example
 * ```ts
 * import type { WorkloadName } from '@weft/workloads';
 * const name: WorkloadName = 'fannkuch';
 * ```
 */
export type WorkloadName = keyof WorkloadRegistry;

/**
 * Every workload, by name.
 *
 * @example
 * ```ts
 * import { workloads } from '@weft/workloads';
 * for (const workload of Object.values(workloads)) console.log(workload.name, workload.kind);
 * ```
 */
export const workloads: WorkloadRegistry = Object.freeze({
  'pi-digits': piDigits,
  'pi-series': piSeries,
  'n-body': nBody,
  'spectral-norm': spectralNorm,
  fannkuch,
  mandelbrot,
  'sha256-chain': sha256Chain,
  http: httpRequests,
  disk: diskFiles,
  timers,
  'shared-counter': sharedCounter,
  'async-counter': asyncCounter,
  isolation,
  gil,
});

/**
 * The registered names, in registry order.
 *
 * @example
 * ```ts
 * import { workloadNames } from '@weft/workloads';
 * console.log(workloadNames.join(', '));
 * ```
 */
export const workloadNames: readonly WorkloadName[] = Object.freeze(
  Object.keys(workloads) as WorkloadName[],
);

/**
 * Looks a workload up by name.
 *
 * @param name - a registered name
 * @returns the workload
 * @throws UnknownWorkloadError listing the registered names
 * @example
 * ```ts
 * import { getWorkload } from '@weft/workloads';
 * const workload = getWorkload('mandelbrot');
 * ```
 */
export function getWorkload<N extends WorkloadName>(name: N): WorkloadRegistry[N];
/**
 * Looks a workload up by a name only known at run time.
 *
 * @param name - any string
 * @returns the workload
 * @throws UnknownWorkloadError listing the registered names
 * @example
 * ```ts
 * import { getWorkload } from '@weft/workloads';
 * const name: string = process.argv[2] ?? 'fannkuch';
 * const workload = getWorkload(name); // Workload<unknown, unknown>
 * console.log(workload.kind, workload.sizes.small);
 * ```
 */
export function getWorkload(name: string): Workload<unknown, unknown>;
export function getWorkload(name: string): Workload<unknown, unknown> {
  if (typeof name !== 'string' || !Object.hasOwn(workloads, name)) {
    throw new UnknownWorkloadError(name, workloadNames);
  }
  return workloads[name as WorkloadName];
}

/**
 * Options of {@link runWorkload}; structured-clonable so they can cross to a pool worker.
 *
 * @example
 * ```ts
 * import { InterpreterLock, type RunWorkloadOptions } from '@weft/workloads';
 * const options: RunWorkloadOptions = { interpreterLock: new InterpreterLock().toHandle() };
 * ```
 */
export interface RunWorkloadOptions {
  /**
   * A shared interpreter lock (as a handle, or an instance when running inline) the work holds and
   * checks in with.
   * @defaultValue undefined (no lock)
   */
  readonly interpreterLock?: InterpreterLockHandle | InterpreterLock;
}

/**
 * Runs one workload (or one part of it) by name with validated params: the pool task-module entry
 * point, so `pool.apply(runWorkload, ['mandelbrot', part])` runs anywhere. The task module URL is
 * `import.meta.resolve('@weft/workloads')`.
 *
 * @param name - a registered workload name
 * @param params - the workload's params (a part from `split()`, or a whole job); validated
 * @param options - a shared interpreter lock, if any
 * @returns the workload's (part) result, plain structured-clonable data
 * @throws UnknownWorkloadError, WorkloadParamsError, WorkloadOptionError (as rejections)
 * @example
 * ```ts
 * import { runWorkload, mandelbrot } from '@weft/workloads';
 * const params = mandelbrot.sizes.small;
 * const parts = mandelbrot.split(params, 4);
 * // inline here; with @weft/process-pool: pool.apply(runWorkload, ['mandelbrot', part])
 * const results = await Promise.all(parts.map((part) => runWorkload('mandelbrot', part)));
 * ```
 */
export async function runWorkload(
  name: string,
  params: unknown,
  options?: RunWorkloadOptions,
): Promise<unknown> {
  const workload = getWorkload(name);
  const valid = workload.validate(params);
  const given = options?.interpreterLock;
  let interpreterLock: InterpreterLock | undefined;
  if (given instanceof InterpreterLock) interpreterLock = given;
  else if (isInterpreterLockHandle(given)) interpreterLock = InterpreterLock.from(given);
  else if (given !== undefined) {
    // A lock that silently went missing would make a GIL experiment measure the wrong thing.
    throw new WorkloadOptionError(
      'runWorkload',
      'interpreterLock',
      given,
      'an InterpreterLock, a handle from InterpreterLock#toHandle(), or undefined',
    );
  }
  return workload.run(valid, interpreterLock === undefined ? {} : { interpreterLock });
}
