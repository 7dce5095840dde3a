// The public door of @weft/workloads.
export type {
  Workload,
  WorkloadKind,
  WorkloadSize,
  WorkloadRunOptions,
  PartRange,
  Verification,
} from './workload.js';
export type { IoResult } from './io-result.js';

export { piDigits } from './pi-digits.js';
export type { PiDigitsParams, PiDigitsResult } from './pi-digits.js';
export { piSeries } from './pi-series.js';
export type { PiSeriesParams, PiSeriesResult } from './pi-series.js';
export { nBody } from './n-body.js';
export type { NBodyParams, NBodyResult } from './n-body.js';
export { spectralNorm } from './spectral-norm.js';
export type { SpectralNormParams, SpectralNormResult } from './spectral-norm.js';
export { fannkuch } from './fannkuch.js';
export type { FannkuchParams, FannkuchResult } from './fannkuch.js';
export { mandelbrot, mandelbrotImages, writeMandelbrotFrames } from './mandelbrot.js';
export type { MandelbrotParams, MandelbrotResult, MandelbrotImageOptions } from './mandelbrot.js';
export { sha256Chain } from './sha256-chain.js';
export type { Sha256ChainParams, Sha256ChainResult } from './sha256-chain.js';

export { httpRequests } from './http-requests.js';
export type { HttpRequestsParams } from './http-requests.js';
export { diskFiles } from './disk-files.js';
export type { DiskFilesParams } from './disk-files.js';
export { timers } from './timers.js';
export type { TimersParams } from './timers.js';

export { sharedCounter } from './shared-counter.js';
export type { SharedCounterParams, SharedCounterResult, CounterMode } from './shared-counter.js';
export { asyncCounter } from './async-counter.js';
export type { AsyncCounterParams, AsyncCounterResult } from './async-counter.js';
export { isolation, isolationCounter } from './isolation.js';
export type { IsolationParams, IsolationResult, IsolationReport } from './isolation.js';

export { InterpreterLock, isInterpreterLockHandle } from './interpreter-lock.js';
export type {
  InterpreterLockOptions,
  InterpreterLockHandle,
  InterpreterLockStats,
} from './interpreter-lock.js';
export { gil } from './gil.js';
export type { GilParams, GilResult } from './gil.js';

export { workloads, workloadNames, getWorkload, runWorkload } from './registry.js';
export type { WorkloadRegistry, WorkloadName, RunWorkloadOptions } from './registry.js';
export { runSplit, assertVerified } from './run-split.js';
export type { RunSplitOptions, SplitRun, WorkloadExecutor } from './run-split.js';

export {
  WorkloadError,
  WorkloadParamsError,
  WorkloadOptionError,
  UnknownWorkloadError,
  WorkloadAbortedError,
  WorkloadVerificationError,
  WorkloadThreadError,
  InterpreterLockStateError,
} from './errors.js';
