// Run metadata: the machine, the configuration and the date a run's figures belong to.
import os from 'node:os';
import {
  fail,
  finite,
  integer,
  optional,
  record,
  scalarRecord,
  string,
} from './internal/validate.js';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The machine a run happened on.
 *
 * @example
 * ```ts
 * import { collectRunMetadata, type MachineInfo } from '@weft/reporters';
 * const machine: MachineInfo = collectRunMetadata().machine;
 * console.log(`${machine.cpuModel} × ${machine.cpuCount}, Node ${machine.node}`);
 * ```
 */
export interface MachineInfo {
  /** CPU model name as the OS reports it (`'unknown'` when it reports none). */
  readonly cpuModel: string;
  /** Logical CPUs available to this process (`os.availableParallelism()`). */
  readonly cpuCount: number;
  /** Total memory in bytes. */
  readonly memoryBytes: number;
  /** Node.js version, e.g. `'v20.20.0'`. */
  readonly node: string;
  /** Operating system: `os.platform()`, `os.release()`, `os.arch()`. */
  readonly os: {
    /** `os.platform()`, e.g. `'linux'`. */
    readonly platform: string;
    /** `os.release()`, the kernel version. */
    readonly release: string;
    /** `os.arch()`, e.g. `'x64'`. */
    readonly arch: string;
  };
}

/**
 * Where, when and how a run happened; printed with every report.
 *
 * @example
 * ```ts
 * import { collectRunMetadata, type RunMetadata } from '@weft/reporters';
 * const metadata: RunMetadata = collectRunMetadata({ configuration: { workers: 2 } });
 * console.log(metadata.date, metadata.configuration);
 * ```
 */
export interface RunMetadata {
  /** The machine the run happened on. */
  readonly machine: MachineInfo;
  /** Settings of the run, e.g. `{ workers: 4, size: 'medium' }`. */
  readonly configuration: Readonly<Record<string, string | number | boolean>>;
  /** ISO 8601 date and time of the run. */
  readonly date: string;
  /** Free-form note, e.g. `'machine shared with other jobs'`. */
  readonly notes?: string;
}

/**
 * Options of {@link collectRunMetadata}.
 *
 * @example
 * ```ts
 * import { collectRunMetadata, type CollectRunMetadataOptions } from '@weft/reporters';
 * const options: CollectRunMetadataOptions = {
 *   configuration: { workload: 'mandelbrot', size: 400, workers: 2 },
 *   notes: 'machine shared with other jobs',
 * };
 * const metadata = collectRunMetadata(options);
 * ```
 */
export interface CollectRunMetadataOptions {
  /**
   * Settings of the run to record.
   * @defaultValue `{}`
   */
  readonly configuration?: Readonly<Record<string, string | number | boolean>>;
  /**
   * When the run happened.
   * @defaultValue `new Date()`, now
   */
  readonly date?: Date;
  /** Free-form note added to the metadata. */
  readonly notes?: string;
}

/**
 * Collects the machine's description (CPU model and count, memory, Node.js version, OS) together
 * with the run's configuration and date.
 *
 * @param options - configuration, date and notes to record
 * @returns the run metadata
 * @throws {@link ReportInputInvalidError} naming the field (`options.configuration.<key>`,
 * `options.date`, `options.notes`) when `configuration` holds a value that is not a string,
 * finite number or boolean, `date` is not a valid `Date`, or `notes` is not a string
 * @example
 * ```ts
 * import { collectRunMetadata } from '@weft/reporters';
 * const metadata = collectRunMetadata({ configuration: { workers: 2, size: 'small' } });
 * console.log(metadata.machine.cpuModel, metadata.machine.cpuCount);
 * ```
 */
export function collectRunMetadata(options: CollectRunMetadataOptions = {}): RunMetadata {
  const cpus = os.cpus();
  const machine: MachineInfo = {
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    cpuCount: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    node: process.version,
    os: { platform: os.platform(), release: os.release(), arch: os.arch() },
  };
  const o = optional(options, 'options', record) ?? {};
  const configuration = scalarRecord(o['configuration'] ?? {}, 'options.configuration');
  const given = o['date'];
  if (given !== undefined && !(given instanceof Date && !Number.isNaN(given.getTime()))) {
    fail('options.date', given, 'a valid Date');
  }
  const date = (given ?? new Date()).toISOString();
  // Years beyond 9999 come out as '+010000-...', which no ISO 8601 date-time reader accepts.
  if (!ISO_DATE_TIME.test(date)) fail('options.date', given, 'a Date in the years 0 to 9999');
  const notes = optional(o['notes'], 'options.notes', (v, f) => string(v, f, false));
  return notes === undefined
    ? { machine, configuration, date }
    : { machine, configuration, date, notes };
}

/**
 * Checks that a value is well-formed {@link RunMetadata} (e.g. read back from a JSON report) and
 * returns a clean copy.
 *
 * @param value - the candidate metadata
 * @param field - root path used in error messages (default `'metadata'`)
 * @returns the validated metadata
 * @throws {@link ReportInputInvalidError} naming the first malformed field
 * @example
 * ```ts
 * import { collectRunMetadata, validateRunMetadata } from '@weft/reporters';
 * const metadata = validateRunMetadata(JSON.parse(JSON.stringify(collectRunMetadata())));
 * ```
 */
export function validateRunMetadata(value: unknown, field = 'metadata'): RunMetadata {
  const obj = record(value, field);
  const m = record(obj['machine'], `${field}.machine`);
  const o = record(m['os'], `${field}.machine.os`);
  const machine: MachineInfo = {
    cpuModel: string(m['cpuModel'], `${field}.machine.cpuModel`),
    cpuCount: integer(m['cpuCount'], `${field}.machine.cpuCount`, 1),
    memoryBytes: finite(m['memoryBytes'], `${field}.machine.memoryBytes`, 0),
    node: string(m['node'], `${field}.machine.node`),
    os: {
      platform: string(o['platform'], `${field}.machine.os.platform`),
      release: string(o['release'], `${field}.machine.os.release`, false),
      arch: string(o['arch'], `${field}.machine.os.arch`),
    },
  };
  const configuration = scalarRecord(obj['configuration'], `${field}.configuration`);
  const date = string(obj['date'], `${field}.date`);
  // The same rule as the schema's `format: date-time` (RFC 3339), so every report this package
  // writes validates against its own schema; Date.parse alone would also take 'Nov 25 2026'.
  if (!ISO_DATE_TIME.test(date) || Number.isNaN(Date.parse(date))) {
    fail(`${field}.date`, date, 'an ISO 8601 date and time such as 2026-11-25T21:00:00.000Z');
  }
  const notes = optional(obj['notes'], `${field}.notes`, (v, f) => string(v, f, false));
  return notes === undefined
    ? { machine, configuration, date }
    : { machine, configuration, date, notes };
}
