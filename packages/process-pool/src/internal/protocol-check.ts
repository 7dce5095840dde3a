// Checking what a process worker sends before the pool acts on it: a child is another program and
// may send anything (a bug, a compromised dependency). Each check returns what is wrong, or
// `undefined` for a well-formed message; the shapes are those of protocol.ts.
import {
  CALL_STRIDE,
  RESULT_STRIDE,
  STATUS_MODULE_ERROR,
  STATUS_NOT_FOUND,
  TIMES_STRIDE,
} from './protocol.js';

const isNumber = (value: unknown): value is number => typeof value === 'number';

function callsProblem(b: unknown): string | undefined {
  if (!Array.isArray(b) || b.length % CALL_STRIDE !== 0)
    return 'a calls batch that is not an array of quintuples';
  for (let i = 0; i < b.length; i += CALL_STRIDE) {
    if (!isNumber(b[i]) || !isNumber(b[i + 1]) || !isNumber(b[i + 2]))
      return 'a call whose call, task or object id is not a number';
    if (typeof b[i + 3] !== 'string') return 'a call whose method is not a string';
    if (!Array.isArray(b[i + 4])) return 'a call whose args are not an array';
  }
  return undefined;
}

function doneProblem(r: unknown, x: unknown): string | undefined {
  if (!Array.isArray(r) || r.length % RESULT_STRIDE !== 0)
    return 'a results batch that is not an array of triples';
  if (!(x instanceof Float64Array) || x.length !== (r.length / RESULT_STRIDE) * TIMES_STRIDE)
    return 'a results batch without a Float64Array of its times';
  for (let i = 0; i < r.length; i += RESULT_STRIDE) {
    const status: unknown = r[i + 1];
    if (!isNumber(r[i]) || !isNumber(status)) return 'a result whose id or status is not a number';
    const value: unknown = r[i + 2];
    if (status === STATUS_MODULE_ERROR && !(Array.isArray(value) && isNumber(value[0])))
      return 'a module-error result without its module index';
    if (status === STATUS_NOT_FOUND && typeof value !== 'string')
      return 'a not-found result without the export name';
  }
  return undefined;
}

/** What is wrong with a message from a process worker, or `undefined` if it is well-formed. */
export function messageProblem(message: unknown, ready: boolean): string | undefined {
  if (typeof message !== 'object' || message === null)
    return `a ${message === null ? 'null' : typeof message} message`;
  const m = message as Record<string, unknown>;
  switch (m['t']) {
    case 'calls':
      return callsProblem(m['b']);
    case 'call-abort':
      return isNumber(m['c']) ? undefined : 'a call-abort without a call id';
    case 'done':
      return ready ? doneProblem(m['r'], m['x']) : 'results before the worker was ready';
    case 'ready':
      return ready ? 'a second ready message' : undefined;
    case 'init-error':
      if (ready) return 'an init-error after the worker was ready';
      if (m['phase'] !== 'module' && m['phase'] !== 'initializer')
        return 'an init-error without a known phase';
      return m['module'] === undefined || typeof m['module'] === 'string'
        ? undefined
        : 'an init-error whose module is not a string';
    default:
      return `a message of unknown type ${JSON.stringify(String(m['t']))}`;
  }
}

/** What is wrong with a decoded blocking-call frame, or `undefined`. */
export function frameProblem(frame: unknown): string | undefined {
  if (!Array.isArray(frame) || frame.length !== 5) return 'a call frame that is not a 5-item array';
  const [task, id, method, args, after] = frame as unknown[];
  if (!isNumber(task) || !isNumber(id) || !isNumber(after))
    return 'a call frame whose task, object or call id is not a number';
  if (typeof method !== 'string') return 'a call frame whose method is not a string';
  if (!Array.isArray(args)) return 'a call frame whose args are not an array';
  return undefined;
}
