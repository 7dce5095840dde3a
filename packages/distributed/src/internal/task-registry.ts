// The task modules a worker was started with: the only code a job can make it run. A job's module
// id is looked up, as an exact string, among the ids these modules were registered under, and its
// export among their exported functions; nothing a job carries is ever resolved or imported.
import { isBuiltin } from 'node:module';
import { hostname } from 'node:os';
import { InvalidOptionError, TaskModuleLoadError, TaskNotRegisteredError } from '../errors.js';
import type { WorkerTaskModule } from '../task-module.js';
import { importModule, moduleId, resolveModule } from './modules.js';

/** A task a job may run: the module URL the pool imports, and the function itself. */
export interface RegisteredTask {
  readonly url: string;
  readonly fn: (...args: unknown[]) => unknown;
}

interface LoadedModule {
  readonly url: string;
  readonly exports: ReadonlyMap<string, (...args: unknown[]) => unknown>;
}

// A scheme other than file: (a Windows drive path like "C:\x" is a path, not a scheme).
const FOREIGN_SCHEME = /^(?![a-z]:[\\/])(?!file:)[a-z][a-z0-9+.-]*:/i;
const ALLOWED =
  'a path, a file: URL or an installed package name (node:, data:, http(s): and blob: modules are never task modules)';

function entry(spec: unknown, option: string): { id: string; location: string } {
  if (typeof spec === 'string' || spec instanceof URL) {
    const id = moduleId(spec);
    return { id, location: id };
  }
  if (typeof spec === 'object' && spec !== null) {
    const { id, location } = spec as { id?: unknown; location?: unknown };
    if (typeof id !== 'string' || id === '')
      throw new InvalidOptionError(`${option}.id`, id, 'the non-empty module id callers use');
    if (typeof location === 'string' || location instanceof URL)
      return { id, location: moduleId(location) };
    throw new InvalidOptionError(`${option}.location`, location, ALLOWED);
  }
  throw new InvalidOptionError(option, spec, `${ALLOWED}, or { id, location }`);
}

export class TaskRegistry {
  readonly #byId: ReadonlyMap<string, LoadedModule>;
  /** The ids jobs may name, for messages. */
  readonly ids: readonly string[];

  private constructor(byId: ReadonlyMap<string, LoadedModule>) {
    this.#byId = byId;
    this.ids = [...byId.keys()];
  }

  /**
   * Resolve and import every task module once, at start. Throws {@link InvalidOptionError} for no
   * modules, a module that can't be a task module (a builtin, a non-file URL) or one id given two
   * locations, and {@link TaskModuleLoadError} for a module that does not load.
   */
  static async load(
    given: readonly WorkerTaskModule[] | undefined,
    cwd: string,
  ): Promise<TaskRegistry> {
    // Checked as untyped input: JavaScript callers and the CLI pass anything.
    const specs: unknown = given;
    if (!Array.isArray(specs) || specs.length === 0) {
      throw new InvalidOptionError(
        'tasks',
        specs,
        'at least one task module, e.g. tasks: ["./dist/tasks.js"] (CLI: --tasks ./dist/tasks.js); the worker runs only their exported functions',
      );
    }
    const byId = new Map<string, LoadedModule>();
    const register = (id: string, loaded: LoadedModule, option: string): void => {
      const seen = byId.get(id);
      if (seen !== undefined && seen.url !== loaded.url)
        throw new InvalidOptionError(option, id, `one location per module id (also ${seen.url})`);
      byId.set(id, loaded);
    };
    for (const [i, spec] of (specs as unknown[]).entries()) {
      const option = `tasks[${i}]`;
      const { id, location } = entry(spec, option);
      if (location === '' || isBuiltin(location) || FOREIGN_SCHEME.test(location))
        throw new InvalidOptionError(option, location, ALLOWED);
      let url: string;
      let ns: Record<string, unknown>;
      try {
        url = resolveModule(location, cwd);
        ns = await importModule(url);
      } catch (error) {
        throw new TaskModuleLoadError(id, hostname(), { cause: error });
      }
      const exports = new Map<string, (...args: unknown[]) => unknown>();
      for (const [name, value] of Object.entries(ns))
        if (typeof value === 'function')
          exports.set(name, value as (...args: unknown[]) => unknown);
      const loaded = { url, exports };
      register(id, loaded, option);
      register(url, loaded, option);
    }
    return new TaskRegistry(byId);
  }

  /** The registered task a job names, or {@link TaskNotRegisteredError}. */
  lookup(module: string, exportName: string): RegisteredTask {
    const loaded = this.#byId.get(module);
    const fn = loaded?.exports.get(exportName);
    if (loaded === undefined || fn === undefined)
      throw new TaskNotRegisteredError(exportName, this.ids, { module, host: hostname() });
    return { url: loaded.url, fn };
  }
}
