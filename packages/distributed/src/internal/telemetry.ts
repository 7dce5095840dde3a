// The `telemetry` option of the executor and the worker: BullMQ's own tracing hook, checked once
// and handed to BullMQ's Queue and Worker. `true` means bullmq-otel on the globally registered
// OpenTelemetry provider; bullmq-otel (and through it @opentelemetry/api) is imported only then, so
// neither is needed by anyone who does not trace.
import { createRequire } from 'node:module';
import type * as OtelApiModule from '@opentelemetry/api';
import type { Telemetry } from 'bullmq';
import { InvalidOptionError, TelemetryLoadError } from '../errors.js';

/**
 * What the `telemetry` option takes: `true` for bullmq-otel on the global OpenTelemetry provider,
 * `false` (or nothing) for no tracing, or any object implementing BullMQ's `Telemetry` interface.
 *
 * @example
 * ```ts
 * import { BullMQOtel } from 'bullmq-otel';
 *
 * const traced: TelemetryOption = true; // bullmq-otel, imported when the executor starts
 * const named: TelemetryOption = new BullMQOtel({ tracerName: 'render-service' });
 * ```
 */
export type TelemetryOption = Telemetry | boolean;

/** A checked option: the object to use, `true` for bullmq-otel (loaded later), or no tracing. */
export type TelemetrySetting = Telemetry | true | undefined;

/** Runs `fn` in the context some call was made in (see {@link captureContext}). */
export type ContextRunner = <T>(fn: () => T) => T;

const ALLOWED =
  'true (bullmq-otel on the globally registered OpenTelemetry provider), false, or an object ' +
  "implementing BullMQ's Telemetry interface: { tracer: { startSpan }, contextManager: { with, " +
  'active, getMetadata, fromMetadata }, meter?: { createCounter, createHistogram, createGauge } }';

function hasMethods(value: unknown, names: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return names.every((name) => typeof record[name] === 'function');
}

/**
 * Checks the `telemetry` option before anything connects.
 *
 * @throws {@link InvalidOptionError} unless it is a boolean or an object with BullMQ's Telemetry
 * methods (an optional `contextManager.root` must be a function too).
 */
export function checkTelemetry(value: unknown): TelemetrySetting {
  if (value === undefined || value === false) return undefined;
  if (value === true) return true;
  const telemetry = value as Partial<Record<'tracer' | 'contextManager' | 'meter', unknown>>;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    hasMethods(telemetry.tracer, ['startSpan']) &&
    hasMethods(telemetry.contextManager, ['with', 'active', 'getMetadata', 'fromMetadata']) &&
    ['undefined', 'function'].includes(
      typeof (telemetry.contextManager as { root?: unknown }).root,
    ) &&
    (telemetry.meter === undefined ||
      hasMethods(telemetry.meter, ['createCounter', 'createHistogram', 'createGauge']));
  if (!ok) throw new InvalidOptionError('telemetry', value, ALLOWED);
  return value as Telemetry;
}

interface BullMQOtelModule {
  BullMQOtel: new () => Telemetry;
}

/**
 * The Telemetry object to give BullMQ: the one passed, or for `true` a new bullmq-otel instance
 * (imported here, on first use).
 *
 * @throws {@link TelemetryLoadError} when `true` was passed and bullmq-otel does not load.
 */
export async function loadTelemetry(setting: TelemetrySetting): Promise<Telemetry | undefined> {
  if (setting !== true) return setting;
  let otel: BullMQOtelModule;
  try {
    // A variable specifier: bundlers and type checkers must not pull in an optional peer.
    const specifier = 'bullmq-otel';
    otel = (await import(specifier)) as BullMQOtelModule;
  } catch (error) {
    throw new TelemetryLoadError('bullmq-otel', { cause: error });
  }
  return new otel.BullMQOtel();
}

const direct: ContextRunner = (fn) => fn();

/**
 * Takes the context active now (the caller's, with its span), so that a job submitted later (a
 * retry run from an event, a batch flushed for many callers) is still traced as this caller's.
 */
export function captureContext(telemetry: Telemetry | undefined): ContextRunner {
  if (telemetry === undefined) return direct;
  const { contextManager } = telemetry;
  const context: unknown = contextManager.active();
  return (fn) => contextManager.with(context, fn);
}

// ---------------------------------------------------------------------------------------------
// Weft's own spans and metrics (see call-telemetry.ts and run-telemetry.ts): @opentelemetry/api,
// an optional peer, loaded synchronously and only when asked for. The API keeps its registry in a
// global (under a Symbol.for key), so this copy sees the providers the user's copy registered.

/** The parts of `@opentelemetry/api` this package uses (the module, typed; none of it exported). */
export type OtelApi = typeof OtelApiModule;

let api: OtelApi | null | undefined;
let noopTracerDelegate: unknown;
let noopMeterClass: unknown;

/** `@opentelemetry/api`, or `undefined` when it is not installed (looked up once). */
export function otelApi(): OtelApi | undefined {
  if (api === undefined) {
    try {
      api = createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
      noopTracerDelegate = new api.ProxyTracerProvider().getDelegate();
      noopMeterClass = api.createNoopMeter().constructor;
    } catch {
      api = null;
    }
  }
  return api ?? undefined;
}

/** Whether a tracer provider is registered globally (not the API's no-op one). */
export function tracingOn(otel: OtelApi): boolean {
  const provider = otel.trace.getTracerProvider() as object & { getDelegate?: () => object };
  const delegate = typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider;
  return delegate.constructor !== (noopTracerDelegate as object).constructor;
}

/** Whether a meter provider is registered globally (not the API's no-op one). */
export function metricsOn(otel: OtelApi): boolean {
  const meter = otel.metrics.getMeterProvider().getMeter(PACKAGE_NAME);
  return !(meter instanceof (noopMeterClass as new () => object));
}

/** Tracer and meter name: this package's name. */
export const PACKAGE_NAME = '@weft/distributed';

let version: string | undefined;

/** Tracer and meter version: this package's version. */
export function packageVersion(): string {
  if (version === undefined) {
    try {
      const pkg = createRequire(import.meta.url)(`${PACKAGE_NAME}/package.json`) as {
        version?: unknown;
      };
      version = typeof pkg.version === 'string' ? pkg.version : '';
    } catch {
      version = '';
    }
  }
  return version;
}
