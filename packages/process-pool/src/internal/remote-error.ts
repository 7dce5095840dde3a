// Errors crossing the worker boundary: the worker flattens a thrown value into plain data and the
// pool rebuilds an error of the same class name with the worker's message, stack, cause and own
// enumerable properties (Python re-raises the same exception type with the remote traceback).

const BUILTINS: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

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
  const builtin = BUILTINS[name];
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

/** Rebuild a value produced by {@link flattenError}. */
export function restoreError(flat: unknown): unknown {
  if (typeof flat !== 'object' || flat === null || !('__weftError' in flat)) return flat;
  const f = flat as FlatError | FlatThrown;
  if (f.__weftError === 0) return f.value;
  const options: ErrorOptions | undefined =
    'cause' in f ? { cause: restoreError(f.cause) } : undefined;
  const error: Error =
    f.ctor === 'AggregateError'
      ? new AggregateError((f.errors ?? []).map(restoreError), f.message, options)
      : new (classNamed(f.ctor))(f.message, options);
  if (error.name !== f.name) {
    Object.defineProperty(error, 'name', {
      value: f.name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  if (f.stack !== undefined) {
    Object.defineProperty(error, 'stack', {
      value: f.stack,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  Object.assign(error, f.props);
  return error;
}
