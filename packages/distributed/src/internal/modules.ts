// Resolving and importing task modules on either side of the queue, and mapping a function object
// back to the (module id, export name) that names it on the wire.
import { createRequire } from 'node:module';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hostname } from 'node:os';
import { TaskModuleLoadError } from '../errors.js';
import type { TaskModule } from '../task-module.js';

/** The id a job carries: a URL's href, or the string as given. */
export function moduleId(spec: TaskModule): string {
  return typeof spec === 'string' ? spec : spec.href;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Turn a module id into an importable URL, resolving paths and bare specifiers from `cwd`.
 * Throws the resolver's error when a bare specifier cannot be found.
 */
export function resolveModule(id: string, cwd: string): string {
  // A Windows drive path ("C:\\x") also matches the scheme pattern; treat it as a path.
  if (SCHEME.test(id) && !/^[a-z]:[\\/]/i.test(id)) return id;
  if (id.startsWith('.') || isAbsolute(id)) return pathToFileURL(resolvePath(cwd, id)).href;
  const require = createRequire(pathToFileURL(resolvePath(cwd, 'noop.js')).href);
  try {
    return pathToFileURL(require.resolve(id)).href;
  } catch (error) {
    // ESM-only packages without a "require"/"default" export condition: fall back to this
    // package's own resolution (works when the package is installed alongside @weft/distributed).
    try {
      return import.meta.resolve(id);
    } catch {
      throw error;
    }
  }
}

const loaded = new Map<string, Promise<Record<string, unknown>>>();

/** Import a module once per process; a failed load is not cached, so a later deploy can fix it. */
export function importModule(url: string): Promise<Record<string, unknown>> {
  let promise = loaded.get(url);
  if (promise === undefined) {
    promise = import(url) as Promise<Record<string, unknown>>;
    loaded.set(url, promise);
    promise.catch(() => loaded.delete(url));
  }
  return promise;
}

export interface TaskRef {
  readonly module: string;
  readonly exportName: string;
}

/** Load every module and index its exported functions by identity. */
export async function indexTasks(
  ids: readonly string[],
  cwd: string,
): Promise<Map<unknown, TaskRef>> {
  const index = new Map<unknown, TaskRef>();
  for (const id of ids) {
    let ns: Record<string, unknown>;
    try {
      ns = await importModule(resolveModule(id, cwd));
    } catch (error) {
      throw new TaskModuleLoadError(id, hostname(), { cause: error });
    }
    for (const [name, value] of Object.entries(ns)) {
      // The first module to export a function names it; `default` only when nothing else does.
      if (
        typeof value === 'function' &&
        (!index.has(value) || index.get(value)?.exportName === 'default')
      ) {
        index.set(value, { module: id, exportName: name });
      }
    }
  }
  return index;
}
