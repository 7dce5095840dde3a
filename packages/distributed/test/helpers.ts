// Test helpers: fresh queue names, the fixture task module's URL, and real weft-worker processes.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, watch } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TASKS_URL: string = new URL('./fixtures/tasks.mjs', import.meta.url).href;
export const CLI: string = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export function freshQueue(label: string): string {
  return `weft-test-${label}-${randomUUID().slice(0, 8)}`;
}

/** A promise with its resolvers (Node 20 has no Promise.withResolvers). */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export type CliEvent = Record<string, unknown> & { type: string };

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly events: CliEvent[];
  readonly stderr: () => string;
  /** Resolves with the first event (past or future) that matches. */
  waitFor(match: (event: CliEvent) => boolean): Promise<CliEvent>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const spawned = new Set<ChildProcess>();

/** Starts `weft-worker --json ...args` and resolves once it is taking jobs. */
export async function spawnWorker(
  args: readonly string[],
  env?: Readonly<Record<string, string>>,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [CLI, '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env === undefined ? {} : { env: { ...process.env, ...env } }),
  });
  spawned.add(child);
  const events: CliEvent[] = [];
  const waiters: { match: (e: CliEvent) => boolean; resolve: (e: CliEvent) => void }[] = [];
  let err = '';
  let buffer = '';
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim() === '') continue;
      const event = JSON.parse(line) as CliEvent;
      events.push(event);
      for (const w of [...waiters]) {
        if (w.match(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      spawned.delete(child);
      resolve({ code, signal });
    });
  });
  const waitFor = (match: (e: CliEvent) => boolean): Promise<CliEvent> => {
    const seen = events.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiters.push({ match, resolve });
      void exited.then(({ code, signal }) =>
        reject(new Error(`weft-worker exited (${code ?? signal}) before the event: ${err}`)),
      );
    });
  };
  await waitFor((e) => e.type === 'ready');
  return { child, pid: child.pid!, events, stderr: () => err, waitFor, exited };
}

/** SIGKILL every weft-worker a test left running, and wait for them to exit. */
export async function killAllWorkers(): Promise<void> {
  await Promise.all(
    [...spawned].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Whether a process id is alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `path` exists (watching its directory: no polling, no sleeping). */
export function waitForFile(path: string): Promise<void> {
  return new Promise((resolve) => {
    const dir = dirname(path);
    const watcher = watch(dir, () => {
      if (existsSync(path)) {
        watcher.close();
        resolve();
      }
    });
    if (existsSync(path)) {
      watcher.close();
      resolve();
    }
  });
}
