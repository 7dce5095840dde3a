// How workers load TypeScript task modules: which of the program's Node flags decide how modules
// load (so workers started with their own execArgv keep them), where tsx's register API is when
// the program runs under tsx (tsx's `--import` hook skips worker threads on Node versions without
// module.registerHooks, so thread workers register it themselves), NodeNext's `./tasks.js` →
// `./tasks.ts` resolution of task module URLs, and the error that says what to run when the
// runtime cannot load TypeScript at all.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TaskModuleLoadError, TypeScriptUnsupportedError } from '../errors.js';
import { runtimeName } from './runtime-support.js';

/** Flags that take a value (`--import tsx` or `--import=tsx`) and change how modules load. */
const VALUE_FLAGS = new Set([
  '--import',
  '--loader',
  '--experimental-loader',
  '--require',
  '-r',
  '--conditions',
  '-C',
]);
/** Flags that stand alone and change how modules load. */
const BARE_FLAGS = new Set([
  '--experimental-strip-types',
  '--no-experimental-strip-types',
  '--experimental-transform-types',
]);
/** Flags whose value names a module that runs first (where a TypeScript loader comes from). */
const PRELOAD_FLAGS = new Set(['--import', '--loader', '--experimental-loader', '--require', '-r']);

/** The module-loading flags of `argv`, each as its `[flag]` or `[flag, value]` group. */
export function loaderFlags(argv: readonly string[]): string[][] {
  const groups: string[][] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (VALUE_FLAGS.has(name)) {
      if (eq !== -1) groups.push([arg]);
      else if (i + 1 < argv.length) groups.push([arg, argv[++i]!]);
    } else if (BARE_FLAGS.has(name)) {
      groups.push([arg]);
    }
  }
  return groups;
}

const groupKey = (group: readonly string[]): string => group.join('=');

/**
 * The execArgv a worker starts with. Left alone (`undefined`: the worker inherits the program's
 * flags) when the pool was given none; otherwise the program's module-loading flags come first,
 * so `execArgv: ['--max-old-space-size=512']` under `node --import tsx` still loads TypeScript.
 */
export function workerExecArgv(
  given: readonly string[] | undefined,
  parent: readonly string[] = process.execArgv,
): readonly string[] | undefined {
  if (given === undefined) return undefined;
  const present = new Set(loaderFlags(given).map(groupKey));
  const inherited = loaderFlags(parent).filter((group) => !present.has(groupKey(group)));
  return inherited.length === 0 ? given : [...inherited.flat(), ...given];
}

/** The value of a preload flag group (`['--import', 'tsx']` or `['--import=tsx']`). */
function preloadOf(group: readonly string[]): string | undefined {
  const [flag] = group;
  const eq = flag!.indexOf('=');
  const name = eq === -1 ? flag! : flag!.slice(0, eq);
  if (!PRELOAD_FLAGS.has(name)) return undefined;
  return eq === -1 ? group[1] : flag!.slice(eq + 1);
}

/** The `package.json` of the package that holds `file`, or undefined. */
function packageJsonOf(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The ESM file of `tsx/esm/api` in the tsx package described by `manifest`, by its `exports`. */
function esmApiOf(manifest: string): string | undefined {
  const { name, exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    name?: unknown;
    exports?: Record<string, unknown>;
  };
  if (name !== 'tsx') return undefined;
  // `{ import: { types, default } | string, require: … } | string`, read as the ESM loader would.
  let entry: unknown = exports?.['./esm/api'];
  for (const condition of ['import', 'default']) {
    if (typeof entry === 'object' && entry !== null && condition in entry)
      entry = (entry as Record<string, unknown>)[condition];
  }
  return typeof entry === 'string' ? join(dirname(manifest), entry) : undefined;
}

/**
 * The ESM file of tsx's public `tsx/esm/api` when `argv` loads tsx: `--import tsx` (resolved from
 * `cwd`, as Node resolves it) or the tsx CLI's own `--import file:///…/tsx/dist/loader.mjs`.
 */
export function tsxApiOf(argv: readonly string[], cwd: string = process.cwd()): string | undefined {
  for (const group of loaderFlags(argv)) {
    const value = preloadOf(group);
    if (value === undefined) continue;
    try {
      let manifest: string | undefined;
      if (value === 'tsx' || value.startsWith('tsx/')) {
        manifest = createRequire(join(cwd, 'noop.js')).resolve('tsx/package.json');
      } else if (value.startsWith('file:') || value.startsWith('.') || value.startsWith('/')) {
        manifest = packageJsonOf(
          value.startsWith('file:') ? fileURLToPath(value) : resolve(cwd, value),
        );
      }
      const api = manifest === undefined ? undefined : esmApiOf(manifest);
      if (api !== undefined) return api;
    } catch {
      // Not resolvable from here: workers get no help, and a TypeScript module fails typed.
    }
  }
  return undefined;
}

/** Whether modules loaded under `argv` have their types stripped by Node itself. */
export function stripsTypes(argv: readonly string[]): boolean {
  const native = (process.features as { typescript?: unknown }).typescript;
  if (typeof native === 'string' && native !== '')
    return !argv.includes('--no-experimental-strip-types');
  return loaderFlags(argv).some(([flag]) => flag === '--experimental-strip-types');
}

const TS_TWIN: Readonly<Record<string, string>> = { '.js': '.ts', '.mjs': '.mts', '.cjs': '.cts' };
const TS_FILE = /\.[cm]?ts$/;

/** The TypeScript file a missing `.js`/`.mjs`/`.cjs` file URL stands for, as NodeNext reads it. */
function typeScriptTwin(href: string): string | undefined {
  if (!href.startsWith('file:')) return undefined;
  const url = new URL(href);
  const ext = /\.[cm]?js$/.exec(url.pathname)?.[0];
  if (ext === undefined) return undefined;
  const path = fileURLToPath(url);
  if (existsSync(path)) return undefined;
  const twin = path.slice(0, -ext.length) + TS_TWIN[ext]!;
  if (!existsSync(twin)) return undefined;
  const out = pathToFileURL(twin);
  out.search = url.search;
  out.hash = url.hash;
  return out.href;
}

/**
 * A task module URL as the workers should import it: `./tasks.js` that does not exist while
 * `./tasks.ts` does becomes `./tasks.ts` (TypeScript's NodeNext resolution), when `canLoadTs`.
 */
export function resolveTaskModule(href: string, canLoadTs: boolean): string {
  if (!canLoadTs) return href;
  return typeScriptTwin(href) ?? href;
}

/**
 * The error for a task module that failed to load: {@link TypeScriptUnsupportedError} when it is
 * TypeScript and the loader did not know the extension (or, given as `.js`, found no such file),
 * else {@link TaskModuleLoadError}.
 */
export function moduleLoadError(
  href: string,
  cause: unknown,
): TaskModuleLoadError | TypeScriptUnsupportedError {
  const code = (cause as { code?: unknown } | null)?.code;
  const bare = href.replace(/[?#].*$/, '');
  if (
    (code === 'ERR_UNKNOWN_FILE_EXTENSION' && TS_FILE.test(bare)) ||
    (code === 'ERR_MODULE_NOT_FOUND' && typeScriptTwin(href) !== undefined)
  )
    return new TypeScriptUnsupportedError(href, runtimeName(), { cause });
  return new TaskModuleLoadError(href, { cause });
}
