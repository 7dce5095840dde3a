// Errors crossing the worker boundary: the worker flattens a thrown value into plain data and the
// pool rebuilds an error of the same class name with the worker's message, stack, cause and own
// enumerable properties (Python re-raises the same exception type with the remote traceback).

// A null-prototype map: a class name sent by the worker (`constructor`, `__proto__`, `toString`)
// can only ever find these seven classes, never something inherited from Object.prototype.
const BUILTINS: Readonly<Record<string, ErrorConstructor>> = Object.assign(
  Object.create(null) as Record<string, ErrorConstructor>,
  { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError },
);

// Keys a rebuilt error never takes from the wire: they would change its prototype or class.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Copy the worker's own enumerable data properties onto a rebuilt error, as plain data properties:
 * never a key that would reach the prototype chain, never a getter or setter.
 */
export function copyOwnData(target: object, props: unknown): void {
  if (typeof props !== 'object' || props === null) return;
  for (const key of Object.keys(props)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(props, key);
    if (descriptor === undefined || !('value' in descriptor)) continue;
    Object.defineProperty(target, key, {
      value: descriptor.value as unknown,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
}

interface FlatError {
  readonly __weftError: 1;
  readonly ctor: string;
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly cause?: unknown;
  readonly props: Record<string, unknown>;
  readonly errors?: unknown[];
}

interface FlatThrown {
  readonly __weftError: 0;
  readonly value: unknown;
}

function sendable(value: unknown, clone: (v: unknown) => void): unknown {
  try {
    clone(value);
    return value;
  } catch {
    return String(value);
  }
}

/** Flatten a thrown value for the trip to the main thread. `clone` throws if a value can't travel. */
export function flattenError(error: unknown, clone: (v: unknown) => void, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 8) {
    const flat: FlatThrown = { __weftError: 0, value: sendable(error, clone) };
    return flat;
  }
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (
      key === 'cause' ||
      key === 'name' ||
      key === 'message' ||
      key === 'stack' ||
      key === 'errors'
    )
      continue;
    props[key] = sendable((error as unknown as Record<string, unknown>)[key], clone);
  }
  const flat: {
    -readonly [K in keyof FlatError]: FlatError[K];
  } = {
    __weftError: 1,
    ctor: error.constructor?.name ?? 'Error',
    name: error.name,
    message: error.message,
    stack: error.stack,
    props,
  };
  if ('cause' in error) flat.cause = flattenError(error.cause, clone, depth + 1);
  if (error instanceof AggregateError)
    flat.errors = error.errors.map((e) => flattenError(e, clone, depth + 1));
  return flat;
}

const remoteClasses = new Map<string, ErrorConstructor>();

function classNamed(name: string): ErrorConstructor {
  const builtin = Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
  if (builtin !== undefined) return builtin;
  let cls = remoteClasses.get(name);
  if (cls === undefined) {
    // A stand-in class with the worker's class name, so `error.constructor.name` and stack
    // headers read the same as in the worker.
    cls = class extends Error {} as ErrorConstructor;
    Object.defineProperty(cls, 'name', { value: name });
    remoteClasses.set(name, cls);
  }
  return cls;
}

/**
 * Rebuild a value produced by {@link flattenError}. The value comes from another process and is
 * not trusted: fields of the wrong type are read as absent, and nothing in it can choose the
 * rebuilt error's prototype. Never throws.
 */
export function restoreError(flat: unknown, depth = 0): unknown {
  if (typeof flat !== 'object' || flat === null || !Object.hasOwn(flat, '__weftError')) return flat;
  const f = flat as Partial<Record<keyof FlatError, unknown>>;
  if (f.__weftError !== 1) return f.__weftError === 0 ? (flat as FlatThrown).value : flat;
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' ? value : undefined;
  const message = text(f.message) ?? '';
  const ctor = text(f.ctor) ?? 'Error';
  const nested = depth < 8;
  const options: ErrorOptions | undefined =
    Object.hasOwn(f, 'cause') && nested ? { cause: restoreError(f.cause, depth + 1) } : undefined;
  const errors = Array.isArray(f.errors) && nested ? f.errors : [];
  const error: Error =
    ctor === 'AggregateError'
      ? new AggregateError(
          errors.map((e) => restoreError(e, depth + 1)),
          message,
          options,
        )
      : new (classNamed(ctor))(message, options);
  const name = text(f.name);
  if (name !== undefined && error.name !== name) {
    Object.defineProperty(error, 'name', {
      value: name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  const stack = text(f.stack);
  if (stack !== undefined) {
    Object.defineProperty(error, 'stack', {
      value: stack,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  copyOwnData(error, f.props);
  return error;
}
