// The task modules as a worker sees them: loaded once at start (a module that fails to load is
// remembered, and reported on each call that needs it), and export lookups by name, read from the
// live namespace on each call (an `export let` reassigned later is honoured) without making an object.
import { pathToFileURL } from 'node:url';
import { flattenError } from './remote-error.js';
import { STATUS_MODULE_ERROR, STATUS_NOT_FOUND } from './protocol.js';
import { clone } from './worker-env.js';

export type TaskFunction = (...args: unknown[]) => unknown;

/** Why a lookup failed: the status and value of the task's result (protocol.ts). */
export interface LookupFailure {
  readonly status: number;
  readonly value: unknown;
}

let urls: readonly string[] = [];
let namespaces: (Record<string, unknown> | undefined)[] = [];
let loadErrors: unknown[] = [];

/**
 * Register tsx's hooks in this thread. tsx's `--import` entry leaves worker threads alone on Node
 * versions without `module.registerHooks` (Node 20), so a thread of a program run under tsx would
 * not load TypeScript; on newer Node the second registration is harmless. A failure here is left
 * to the module import that follows, which then fails with TypeScriptUnsupportedError.
 */
async function registerTsx(api: string): Promise<void> {
  try {
    const { register } = (await import(pathToFileURL(api).href)) as { register?: () => unknown };
    register?.();
  } catch {
    // See above: the import of the task modules reports it.
  }
}

/** Load every task module; returns the index of the first that failed, or -1. */
export async function loadModules(moduleUrls: readonly string[], tsxApi?: string): Promise<number> {
  if (tsxApi !== undefined) await registerTsx(tsxApi);
  urls = moduleUrls;
  const loaded = await Promise.all(
    moduleUrls.map((url) =>
      import(url).then(
        (ns: Record<string, unknown>) => ({ ns, error: undefined as unknown }),
        (error: unknown) => ({ ns: undefined, error }),
      ),
    ),
  );
  namespaces = loaded.map((l) => l.ns);
  loadErrors = loaded.map((l) => l.error);
  return loaded.findIndex((l) => l.ns === undefined);
}

/** The URL of module `mod`. */
export function moduleUrl(mod: number): string | undefined {
  return urls[mod];
}

/** Why module `mod` failed to load. */
export function loadError(mod: number): unknown {
  return loadErrors[mod];
}

/** Export `name` of module `mod` (-1: of the first module that has it), or why there is none. */
export function resolveTask(mod: number, name: string): TaskFunction | LookupFailure {
  if (mod === -1) {
    // A call by name: the first module exporting it wins.
    let failed = -1;
    for (let i = 0; i < namespaces.length; i++) {
      if (namespaces[i] === undefined) {
        if (failed === -1) failed = i;
        continue;
      }
      const fn = resolveTask(i, name);
      if (typeof fn === 'function') return fn;
    }
    return failed === -1 ? { status: STATUS_NOT_FOUND, value: name } : resolveTask(failed, name);
  }
  const ns = namespaces[mod];
  if (ns === undefined)
    return { status: STATUS_MODULE_ERROR, value: [mod, flattenError(loadErrors[mod], clone)] };
  let fn = ns[name];
  if (typeof fn !== 'function') {
    const fallback = ns['default'];
    if ((typeof fallback === 'object' || typeof fallback === 'function') && fallback !== null) {
      fn = (fallback as Record<string, unknown>)[name];
    }
  }
  if (typeof fn !== 'function') return { status: STATUS_NOT_FOUND, value: name };
  return fn as TaskFunction;
}
