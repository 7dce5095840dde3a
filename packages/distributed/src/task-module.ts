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
 * A worker may map any id to another location with its `modules` option.
 *
 * @example
 * ```ts
 * const tasks: TaskModule[] = ['@weft/workloads', import.meta.resolve('./tasks.js')];
 * ```
 */
export type TaskModule = string | URL;
