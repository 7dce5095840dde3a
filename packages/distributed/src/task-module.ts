// Task modules: how a function crosses machines. As `pickle` sends a Python function by module and
// qualified name, a Weft job names a task module and an export; the worker imports the same module
// on its side. This file holds the public spec type; resolution and loading live in internal/.

/**
 * A task module, as the caller names it and as jobs carry it.
 *
 * - a URL string or `URL` (`file:///srv/app/tasks.js`, `import.meta.resolve('./tasks.js')`): both
 *   sides import that URL, so the path must be the same on every machine;
 * - a bare package specifier (`'@weft/workloads'`, `'my-app/tasks'`): each side resolves it from its
 *   own working directory, so it works wherever the package is installed;
 * - a path (`'./dist/tasks.js'`, `'/srv/app/tasks.js'`): resolved from each side's working directory.
 *
 * A worker runs a module only if it was started with it (`startWorker({ tasks })`, `--tasks`),
 * under this id or mapped from it to another location.
 *
 * @example
 * ```ts
 * const tasks: TaskModule[] = ['@weft/workloads', import.meta.resolve('./tasks.js')];
 * ```
 */
export type TaskModule = string | URL;

/**
 * A task module a worker runs, as given to `startWorker({ tasks })` (CLI: `--tasks`): a
 * {@link TaskModule} (registered under that id as written and under the URL it resolves to), or an
 * `id` that callers use mapped to the `location` of the module on this machine (CLI:
 * `--tasks id=location`), for callers that name it by a URL or path that differs here.
 *
 * A worker runs only the exported functions of its task modules; a job naming anything else fails
 * with `TaskNotRegisteredError` before anything is imported.
 *
 * @example
 * ```ts
 * const tasks: WorkerTaskModule[] = [
 *   '@weft/workloads',
 *   { id: 'file:///home/me/app/tasks.js', location: '/srv/app/tasks.js' },
 * ];
 * ```
 */
export type WorkerTaskModule = TaskModule | { readonly id: string; readonly location: TaskModule };
