// Runs the article's Python programs in CPython, bounded by a timeout and by the run's Ctrl-C, and
// reads the one `RESULT {json}` line each prints. A missing interpreter is an outcome, not an error.
import { spawn } from 'node:child_process';
import { pythonProgramPath, type PythonProgram } from './python-programs.js';

/** How to run Python. */
export interface PythonRunOptions {
  /** The interpreter: a command on PATH or a path. */
  readonly command: string;
  /** Kill the program (and its children) after this long. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** What running a program gave: its parsed result, or why there is none. */
export type PythonOutcome<T> =
  | { readonly status: 'ran'; readonly value: T; readonly stdout: string }
  | { readonly status: 'missing'; readonly command: string }
  | { readonly status: 'failed'; readonly reason: string };

interface Captured {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: NodeJS.ErrnoException;
  readonly timedOut: boolean;
}

function capture(
  command: string,
  args: readonly string[],
  options: PythonRunOptions,
): Promise<Captured> {
  return new Promise((resolve) => {
    // Its own process group, so a timeout also stops the workers a multiprocessing Pool started.
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const onAbort = (): void => killGroup();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (result: Omit<Captured, 'stdout' | 'stderr' | 'timedOut'>): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ ...result, stdout, stderr, timedOut });
    };
    child.once('error', (error: NodeJS.ErrnoException) => done({ code: null, error }));
    child.once('close', (code) => done({ code }));
  });
}

/** The interpreter's version (`3.11.2`), or undefined when it cannot be run. */
export async function pythonVersion(
  command: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const r = await capture(command, ['--version'], { command, timeoutMs: 10_000, signal });
  if (r.error !== undefined || r.code !== 0) return undefined;
  return /Python (\S+)/.exec(r.stdout + r.stderr)?.[1];
}

/** Runs one shipped program with arguments and parses its `RESULT` line. */
export async function runPythonProgram<T>(
  program: PythonProgram,
  args: readonly (string | number)[],
  options: PythonRunOptions,
): Promise<PythonOutcome<T>> {
  const r = await capture(
    options.command,
    [pythonProgramPath(program), ...args.map(String)],
    options,
  );
  if (r.error?.code === 'ENOENT' || r.error?.code === 'EACCES')
    return { status: 'missing', command: options.command };
  if (r.error !== undefined) return { status: 'failed', reason: r.error.message };
  if (r.timedOut)
    return {
      status: 'failed',
      reason: `${program}.py took longer than ${options.timeoutMs} ms and was stopped`,
    };
  if (r.code !== 0) {
    const last = r.stderr.trim().split('\n').pop() ?? '';
    return { status: 'failed', reason: `${program}.py exited with code ${r.code}: ${last}` };
  }
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined)
    return { status: 'failed', reason: `${program}.py printed no RESULT line` };
  try {
    return {
      status: 'ran',
      value: JSON.parse(line.slice('RESULT '.length)) as T,
      stdout: r.stdout,
    };
  } catch {
    return { status: 'failed', reason: `${program}.py printed a RESULT line that is not JSON` };
  }
}
