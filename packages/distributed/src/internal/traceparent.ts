// The W3C trace context a job carries from its caller to the worker: a `traceparent` (and
// `tracestate`) string in the job's data. Job data comes from whoever can write to the queue, so the
// worker reads it strictly, as data: a value that is not a well-formed version-00 traceparent is
// ignored (the job runs untraced by its caller), never an error and never evaluated.
import type { SpanContext } from '@opentelemetry/api';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
/** Longest tracestate kept (W3C: at most 32 members of at most 256 characters; 512 is the usual cap). */
const MAX_TRACESTATE = 512;

/** The fields a job carries (added to its data only when the caller traces). */
export interface TraceCarrier {
  readonly traceparent: string;
  readonly tracestate?: string;
}

/** The traceparent of a span context: `00-<trace id>-<span id>-<flags>`. */
export function formatTraceparent(span: SpanContext): string {
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${span.traceId}-${span.spanId}-${flags}`;
}

/** What the job carries for `span`: its traceparent, and its tracestate when it has one. */
export function carrierOf(span: SpanContext): TraceCarrier {
  const traceparent = formatTraceparent(span);
  const state = span.traceState?.serialize();
  return state === undefined || state === '' ? { traceparent } : { traceparent, tracestate: state };
}

/** The parts of a parsed traceparent; the worker turns them into a remote span context. */
export interface ParsedTraceparent {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}

/** Parses a traceparent strictly; `undefined` for anything else (wrong type, shape, zero ids). */
export function parseTraceparent(value: unknown): ParsedTraceparent | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value);
  if (match === null) return undefined;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) };
}

/** A job's tracestate, if it is a string of reasonable length (its members are parsed by the API). */
export function tracestateText(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= MAX_TRACESTATE ? value : undefined;
}
