// Errors crossing the worker boundary, in Weft's one error wire format (serializeError /
// deserializeError of @weft/sync-primitives): the worker turns a thrown value into plain data and
// the pool rebuilds it with the worker's message, stack, cause and own enumerable properties
// (Python re-raises the same exception type with the remote traceback). Classes come back by
// `code` from the registry: the pool's own (registered here, so every process that loads the pool
// or its worker runtime has them), @weft/sync-primitives' and any the user registered; any other
// class comes back as an Error subclass of the same name.
import { deserializeError, registerErrorClasses, serializeError } from '@weft/sync-primitives';
import * as poolErrors from '../errors.js';

registerErrorClasses(Object.values(poolErrors));

/** Flatten a thrown value for the trip to the main thread. `clone` throws if a value can't travel. */
export function flattenError(error: unknown, clone: (value: unknown) => void): unknown {
  return serializeError(error, { check: clone });
}

/**
 * Rebuild a value produced by {@link flattenError}. The value comes from another process and is
 * not trusted: fields of the wrong type are read as absent, and nothing in it can choose the
 * rebuilt error's prototype. Never throws.
 */
export function restoreError(flat: unknown): unknown {
  return deserializeError(flat);
}
