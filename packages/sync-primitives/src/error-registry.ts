// The registry of error classes that come back as themselves after crossing a thread, process or
// machine boundary (the format is in error-wire.ts). It is keyed on each class's `code`: a string
// a minifier leaves alone, where `constructor.name` is renamed by any bundler that mangles names.
// The classes of @weft/sync-primitives are registered here; every other package registers its own.
import * as ownErrors from './errors.js';
import { InvalidArgumentError } from './errors.js';

/**
 * An error class that {@link registerErrorClass} accepts: any subclass of `Error` (abstract or
 * not). Its `code` is either a static `code` of the class itself or given at registration.
 *
 * @example
 * ```ts
 * import type { ErrorClass } from '@weft/sync-primitives';
 * class QuotaError extends Error {
 *   static readonly code = 'ERR_APP_QUOTA';
 *   readonly code = QuotaError.code;
 * }
 * const cls: ErrorClass = QuotaError;
 * console.log(cls.name); // 'QuotaError'
 * ```
 */
export type ErrorClass = abstract new (...args: never[]) => Error;

const byCode = new Map<string, ErrorClass>();
const codeOf = new WeakMap<ErrorClass, string>();

function isErrorClass(value: unknown): value is ErrorClass {
  return (
    typeof value === 'function' &&
    (value === Error || (value as { prototype?: unknown }).prototype instanceof Error)
  );
}

/** The class's own static `code` (not one inherited from a base class), if it is a string. */
function ownStaticCode(cls: ErrorClass): string | undefined {
  if (!Object.hasOwn(cls, 'code')) return undefined;
  const code = (cls as unknown as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Make errors of `cls` come back as real instances of `cls` (so `instanceof` holds) when they cross
 * a boundary in the Weft error wire format ({@link serializeError} / {@link deserializeError}):
 * the process pool's threads and child processes, a `Queue` or `Pipe` between threads, and
 * `@weft/distributed` jobs through Redis. Register the class in every process that may receive its
 * errors (importing the module that defines it is the usual place).
 *
 * The key is `code`: the class's own static `code`, or the `code` argument. Errors are matched by
 * that code, never by `constructor.name`, so minified bundles keep working. A revived error is made
 * without running the constructor: it gets the sender's message, stack, cause and own enumerable
 * properties (class fields such as `code` included); private `#fields` do not travel.
 *
 * Registering the same class again under the same code does nothing.
 *
 * @param cls - A subclass of `Error`.
 * @param code - The code to register it by; defaults to the class's own static `code`.
 * @throws {@link InvalidArgumentError} when `cls` is not an `Error` class, when no code is given or
 *   found, or when the code already names another class (or the class another code).
 *
 * @example
 * ```ts
 * import { registerErrorClass, serializeError, deserializeError } from '@weft/sync-primitives';
 * class QuotaError extends Error {
 *   static readonly code = 'ERR_APP_QUOTA';
 *   readonly code = QuotaError.code;
 *   override readonly name = 'QuotaError';
 * }
 * registerErrorClass(QuotaError);
 * const copy = deserializeError(structuredClone(serializeError(new QuotaError('over quota'))));
 * console.log(copy instanceof QuotaError); // true
 * ```
 */
export function registerErrorClass(cls: ErrorClass, code?: string): void {
  if (!isErrorClass(cls)) {
    throw new InvalidArgumentError(
      'registerErrorClass: the class is not a subclass of Error; pass an Error class',
    );
  }
  const key = code ?? ownStaticCode(cls);
  if (typeof key !== 'string' || key === '') {
    throw new InvalidArgumentError(
      `registerErrorClass: ${cls.name || 'the class'} has no static string \`code\` and none was given; ` +
        'add `static readonly code = "…"` to the class or pass the code as the second argument',
    );
  }
  const taken = byCode.get(key);
  const previous = codeOf.get(cls);
  if (taken === cls && previous === key) return;
  if (taken !== undefined) {
    throw new InvalidArgumentError(
      `registerErrorClass: the code "${key}" is already registered for ${taken.name || 'another class'}; ` +
        'each code names one class',
    );
  }
  if (previous !== undefined) {
    throw new InvalidArgumentError(
      `registerErrorClass: ${cls.name || 'the class'} is already registered under "${previous}"; ` +
        'a class has one code',
    );
  }
  byCode.set(key, cls);
  codeOf.set(cls, key);
}

/**
 * The class registered under `code`, or `undefined`. Only classes given to
 * {@link registerErrorClass} (and this package's own) are ever returned.
 *
 * @param code - An error code, such as `'ERR_WEFT_QUEUE_EMPTY'`.
 *
 * @example
 * ```ts
 * import { registeredErrorClass, QueueEmptyError } from '@weft/sync-primitives';
 * console.log(registeredErrorClass('ERR_WEFT_QUEUE_EMPTY') === QueueEmptyError); // true
 * console.log(registeredErrorClass('ERR_NOBODY')); // undefined
 * ```
 */
export function registeredErrorClass(code: string): ErrorClass | undefined {
  return typeof code === 'string' ? byCode.get(code) : undefined;
}

/**
 * The code an error travels under: its class's registered code when the class is registered,
 * else its own string `code` property (a Node.js system error's `'ENOENT'`, say), else none.
 */
export function codeToSend(error: Error): string | undefined {
  const registered = codeOf.get(error.constructor as ErrorClass);
  if (registered !== undefined) return registered;
  try {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined; // a getter that throws
  }
}

/**
 * Register every `Error` class among `values` that has its own static string `code`, as
 * {@link registerErrorClass} does; other values (functions, a base class without a code of its
 * own) are skipped. Made for the exports of a module of error classes, so a class added there later
 * is registered without another line. A code that already names another class keeps it: that is
 * what happens when an app loads two copies of one package, and the first copy's classes stay the
 * ones errors revive as. Never throws. Returns the classes this call registered.
 *
 * @param values - Candidate classes, such as `Object.values(await import('./errors.js'))`.
 *
 * @example
 * ```ts
 * import { registerErrorClasses } from '@weft/sync-primitives';
 * class QuotaError extends Error {
 *   static readonly code = 'ERR_APP_QUOTA_2';
 *   readonly code = QuotaError.code;
 * }
 * class RateError extends Error {
 *   static readonly code = 'ERR_APP_RATE';
 *   readonly code = RateError.code;
 * }
 * const registered = registerErrorClasses(Object.values({ QuotaError, RateError, helper: () => 1 }));
 * console.log(registered.length); // 2
 * ```
 */
export function registerErrorClasses(values: Iterable<unknown>): ErrorClass[] {
  const registered: ErrorClass[] = [];
  for (const value of values) {
    if (!isErrorClass(value)) continue;
    const code = ownStaticCode(value);
    if (code === undefined || byCode.has(code) || codeOf.has(value)) continue;
    registerErrorClass(value);
    registered.push(value);
  }
  return registered;
}

registerErrorClasses(Object.values(ownErrors));
