// Why a worker failed to start, in words a user can act on: the pool turns a spawn error, an exit
// before the worker reported ready, or a start that took longer than `startTimeout` into one
// WorkerStartError that names the cause (the errno code and the path, the exit code and the
// flags, or the timeout).
import { existsSync } from 'node:fs';
import { WorkerStartError } from '../errors.js';
import type { ExitInfo } from './worker-channel.js';

/** The options that decide how a worker starts. */
export interface StartOptions {
  readonly kind: 'thread' | 'process';
  readonly cwd: string | undefined;
  readonly execPath: string | undefined;
  readonly execArgv: readonly string[] | undefined;
}

function errnoOf(error: unknown): { code?: string; path?: string; message?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const { code, path, message } = error as Record<string, unknown>;
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof path === 'string' ? { path } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

/** The error for a worker whose channel could not even be created (`new Worker` threw). */
export function startThrew(
  workerId: number,
  error: unknown,
  options: StartOptions,
): WorkerStartError {
  const { code, message } = errnoOf(error);
  const flags =
    options.execArgv === undefined ? '' : ` (execArgv: ${JSON.stringify(options.execArgv)})`;
  return new WorkerStartError(workerId, `${code ?? 'error'}: ${message ?? String(error)}${flags}`, {
    cause: error,
  });
}

/** The error for a worker that exited (or was never spawned) before it was ready. */
export function exitedBeforeReady(
  workerId: number,
  info: ExitInfo,
  options: StartOptions,
): WorkerStartError {
  if (info.spawnFailed === true) {
    const { code, path } = errnoOf(info.error);
    const errno = code ?? 'spawn error';
    if (options.cwd !== undefined && !existsSync(options.cwd))
      return new WorkerStartError(
        workerId,
        `${errno}: the working directory (cwd) ${JSON.stringify(options.cwd)} does not exist`,
        { cause: info.error },
      );
    return new WorkerStartError(
      workerId,
      `${errno}: the child process could not be spawned from ${JSON.stringify(options.execPath ?? path ?? process.execPath)} (check execPath and cwd)`,
      { cause: info.error },
    );
  }
  const how =
    info.signal === null ? `exit code ${String(info.code)}` : `signal ${String(info.signal)}`;
  const flags =
    options.execArgv === undefined ? '' : `; check execArgv ${JSON.stringify(options.execArgv)}`;
  const detail =
    info.error === undefined ? '' : `: ${errnoOf(info.error).message ?? 'the thread failed'}`;
  return new WorkerStartError(
    workerId,
    `it exited with ${how} before it was ready${detail}${flags}`,
    {
      ...(info.error === undefined ? {} : { cause: info.error }),
      stderr: info.stderr,
    },
  );
}

/** The error for a worker not ready within `startTimeout`. */
export function startTimedOut(
  workerId: number,
  timeout: number,
  stderr: string | undefined,
): WorkerStartError {
  return new WorkerStartError(
    workerId,
    `it was not ready within startTimeout (${String(timeout)} ms): loading the task modules or the initializer did not finish`,
    { stderr },
  );
}
