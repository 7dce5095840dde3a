// Checking task arguments at submit time: anything that can't travel to the worker kind is
// rejected with its position before a byte is sent, shared primitives are swapped for their
// handles on the way to thread workers (sync-primitives/src/shared-handle.ts), and queues and pipe ends for remote handles
// on the way to process workers (the pool holds them; the child gets a proxy).
import { EventEmitter } from 'node:events';
import { ArgumentNotSendableError } from '../errors.js';
import { REMOTE_MARK, SHARED_MARK } from './protocol.js';
import type { RemoteRegistry } from './remote-host.js';
import { isSharedPrimitive, remoteTypeOf, toHandle } from './sync-bridge.js';

const MAX_DEPTH = 16;

interface Walk {
  readonly kind: 'thread' | 'process';
  readonly registry: RemoteRegistry | undefined;
  shared: boolean;
  readonly remotes: number[];
  inCollection: boolean;
}

function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Names an object by its class ("a Map", "a Socket") as the subject of a message about why it cannot
// be sent. Not a description of a value that was given where another was allowed: messages that
// say "got ..." use @weft/sync-primitives' describeValue, the same text in every Weft package.
function instanceName(value: object): string {
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return name === undefined || name === '' ? 'an object' : `a ${name}`;
}

// Returns the value to send in place of `value` (the same value unless a shared primitive was wrapped).
function check(value: unknown, position: string, walk: Walk, depth: number): unknown {
  const type = typeof value;
  if (type === 'function')
    throw new ArgumentNotSendableError(
      position,
      'functions cannot be sent; pass data, or export the function from a task module',
    );
  if (type === 'symbol') throw new ArgumentNotSendableError(position, 'symbols cannot be sent');
  if (type !== 'object' || value === null || depth > MAX_DEPTH) return value;
  const obj = value as object;
  if (isSharedPrimitive(obj)) {
    if (walk.kind === 'process' && walk.registry !== undefined) {
      const type = remoteTypeOf(obj);
      if (type !== undefined) {
        if (walk.inCollection)
          throw new ArgumentNotSendableError(
            position,
            `${instanceName(obj)} inside a Map or Set cannot reach a process worker; pass it as an argument, in an array or in a plain object`,
          );
        const id = walk.registry.register(obj, type);
        walk.remotes.push(id);
        walk.shared = true;
        return { [REMOTE_MARK]: { type, id } };
      }
    }
    if (walk.kind === 'process') {
      throw new ArgumentNotSendableError(
        position,
        `${instanceName(obj)} is a shared-memory primitive; process workers do not share memory (use kind: 'thread'; of the sync-primitives, only Queue, JoinableQueue and pipe Connections reach process workers, through the pool)`,
      );
    }
    walk.shared = true;
    return { [SHARED_MARK]: toHandle(obj) };
  }
  if (Array.isArray(obj)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < obj.length; i++) {
      const item: unknown = obj[i];
      if (typeof item !== 'object' && typeof item !== 'function' && typeof item !== 'symbol')
        continue;
      const sent = check(item, `${position}[${String(i)}]`, walk, depth + 1);
      if (sent !== item) (out ??= obj.slice())[i] = sent;
    }
    return out ?? obj;
  }
  if (
    obj instanceof SharedArrayBuffer ||
    (ArrayBuffer.isView(obj) && obj.buffer instanceof SharedArrayBuffer)
  ) {
    if (walk.kind === 'process') {
      throw new ArgumentNotSendableError(
        position,
        `${instanceName(obj)} backed by a SharedArrayBuffer; process workers do not share memory and a silent copy would not be shared (use kind: 'thread')`,
      );
    }
    return obj;
  }
  if (obj instanceof EventEmitter) {
    throw new ArgumentNotSendableError(
      position,
      `${instanceName(obj)} (an EventEmitter such as a socket, stream or server) holds a live handle that cannot be cloned`,
    );
  }
  if (obj instanceof Map || obj instanceof Set) {
    const outer = walk.inCollection;
    walk.inCollection = true;
    if (obj instanceof Map) {
      for (const [k, v] of obj)
        check(
          v,
          `${position}.get(${typeof k === 'string' ? JSON.stringify(k) : String(k)})`,
          walk,
          depth + 1,
        );
    } else {
      for (const v of obj) check(v, `${position}.<set item>`, walk, depth + 1);
    }
    walk.inCollection = outer;
    return obj;
  }
  if (!isPlain(obj)) return obj;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    const item = (obj as Record<string, unknown>)[key];
    if (typeof item !== 'object' && typeof item !== 'function' && typeof item !== 'symbol')
      continue;
    const sent = check(item, `${position}.${key}`, walk, depth + 1);
    if (sent !== item) (out ??= { ...obj })[key] = sent;
  }
  return out ?? obj;
}

/** The checked argument list and whether shared or remote handles were wrapped into it. */
export interface PreparedArgs {
  readonly args: readonly unknown[];
  readonly shared: boolean;
  /** Registry ids taken for the queues and pipe ends in the args: release them when the task settles. */
  readonly remotes: readonly number[];
}

/**
 * Check every argument for the worker kind; throws {@link ArgumentNotSendableError} naming the
 * position of the first value that cannot go. For process workers, queues and pipe ends are
 * registered in `registry` (and released again if a later argument is refused). `offset` is the
 * index of `args[0]` in the caller's whole input (a chunk of `imap` items), so positions name it.
 */
export function prepareArgs(
  args: readonly unknown[],
  kind: 'thread' | 'process',
  label = 'args',
  registry?: RemoteRegistry,
  offset = 0,
): PreparedArgs {
  const walk: Walk = { kind, registry, shared: false, remotes: [], inCollection: false };
  let out: unknown[] | undefined;
  try {
    for (let i = 0; i < args.length; i++) {
      const item = args[i];
      if (typeof item !== 'object' && typeof item !== 'function' && typeof item !== 'symbol')
        continue;
      const sent = check(item, `${label}[${String(offset + i)}]`, walk, 0);
      if (sent !== item) (out ??= args.slice())[i] = sent;
    }
  } catch (error) {
    registry?.release(walk.remotes);
    throw error;
  }
  return { args: out ?? args, shared: walk.shared, remotes: walk.remotes };
}

/**
 * Find which argument makes `clone` throw, for a precise error after a serializer failure;
 * `offset` is the index of `args[0]` in the whole input (map and imap chunks).
 */
export function findUnsendable(
  args: readonly unknown[],
  clone: (value: unknown) => void,
  cause: unknown,
  label = 'args',
  offset = 0,
): ArgumentNotSendableError {
  for (let i = 0; i < args.length; i++) {
    try {
      clone(args[i]);
    } catch (error) {
      return new ArgumentNotSendableError(
        `${label}[${String(offset + i)}]`,
        error instanceof Error ? error.message : String(error),
        { cause: error },
      );
    }
  }
  return new ArgumentNotSendableError(label, 'the serializer refused the arguments', { cause });
}
