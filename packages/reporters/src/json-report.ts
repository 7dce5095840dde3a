// JSON report: a versioned document (schema/report-v1.schema.json) holding a run's results.
import schema from '../schema/report-v1.schema.json' with { type: 'json' };
import type { Comparison } from './comparison.js';
import { ReportInputInvalidError } from './errors.js';
import { fail, record } from './internal/validate.js';
import { validateReport, type ValidSection } from './internal/validate-report.js';
import type { ReportInput } from './report.js';
import type { RunMetadata } from './run-metadata.js';
import type { Timeline } from './timeline.js';

/**
 * Version of the JSON report format written by this package.
 *
 * @example
 * ```ts
 * import { REPORT_SCHEMA_VERSION } from '@weft/reporters';
 * const readable = (doc: { schemaVersion: number }): boolean =>
 *   doc.schemaVersion === REPORT_SCHEMA_VERSION;
 * ```
 */
export const REPORT_SCHEMA_VERSION = 1 as const;

/**
 * URL identifying the JSON Schema of the report format (its `$id`).
 *
 * @example
 * ```ts
 * import { REPORT_SCHEMA_ID } from '@weft/reporters';
 * console.log(REPORT_SCHEMA_ID); // the `$schema` of every report this package writes
 * ```
 */
export const REPORT_SCHEMA_ID: string = 'https://weft.dev/schemas/reporters/report-v1.schema.json';

/**
 * A JSON report, version 1; the document {@link reportJsonSchema} describes.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { parseJsonReport, type JsonReport } from '@weft/reporters';
 * const report: JsonReport = parseJsonReport(readFileSync('report.json', 'utf8'));
 * console.log(report.metadata?.machine.cpuModel, report.comparison?.rows.length);
 * ```
 */
export interface JsonReport {
  /** {@link REPORT_SCHEMA_ID}, so editors can validate the file. */
  readonly $schema: string;
  /** {@link REPORT_SCHEMA_VERSION}; bumped on any incompatible change. */
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  /** Brand telling a Weft report from other JSON. */
  readonly kind: 'weft.report';
  /** Title of the report. */
  readonly title?: string;
  /** Machine, configuration and date. */
  readonly metadata?: RunMetadata;
  /** Measurements against a baseline. */
  readonly comparison?: Comparison;
  /** What ran where and when. */
  readonly timeline?: Timeline;
  /** Further titled parts, each with its own comparison and timeline. */
  readonly sections?: readonly {
    /** Heading of the section. */
    readonly title: string;
    /** The section's measurements. */
    readonly comparison?: Comparison;
    /** The section's timeline. */
    readonly timeline?: Timeline;
  }[];
}

/**
 * The JSON Schema (draft 2020-12) of the report format; the same document ships as
 * `@weft/reporters/schema/report-v1.schema.json`.
 *
 * @example
 * ```ts
 * import { reportJsonSchema } from '@weft/reporters';
 * console.log(reportJsonSchema['$id']);
 * ```
 */
export const reportJsonSchema: Readonly<Record<string, unknown>> = schema;

/**
 * Builds a version-1 JSON report from the parts of a run, validating each.
 *
 * @param input - title, comparison, timeline, metadata, sections (any subset)
 * @returns the report object, ready for `JSON.stringify`
 * @throws {@link ReportInputInvalidError} naming the field when a part is malformed
 * @example
 * ```ts
 * import { collectRunMetadata, compare, createJsonReport } from '@weft/reporters';
 * const report = createJsonReport({ comparison: compare(input), metadata: collectRunMetadata() });
 * ```
 */
export function createJsonReport(input: ReportInput): JsonReport {
  const valid = validateReport(input);
  // Notes and checks are for readers (HTML, Markdown); the v1 JSON schema keeps its shape.
  const sections: readonly ValidSection[] | undefined = valid.sections?.map(
    ({ notes: _notes, checks: _checks, ...rest }) => rest,
  );
  // Key order is fixed so files diff cleanly between runs.
  const report: { -readonly [K in keyof JsonReport]: JsonReport[K] } = {
    $schema: REPORT_SCHEMA_ID,
    schemaVersion: REPORT_SCHEMA_VERSION,
    kind: 'weft.report',
  };
  if (valid.title !== undefined) report.title = valid.title;
  if (valid.metadata !== undefined) report.metadata = valid.metadata;
  if (valid.comparison !== undefined) report.comparison = valid.comparison;
  if (valid.timeline !== undefined) report.timeline = valid.timeline;
  if (sections !== undefined) report.sections = sections;
  return report;
}

/**
 * Writes a version-1 JSON report as text (two-space indented, trailing newline).
 *
 * @param input - title, comparison, timeline, metadata, sections (any subset)
 * @returns the JSON text
 * @throws {@link ReportInputInvalidError} naming the field when a part is malformed
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { formatJsonReport } from '@weft/reporters';
 * writeFileSync('report.json', formatJsonReport({ comparison, timeline, metadata }));
 * ```
 */
export function formatJsonReport(input: ReportInput): string {
  return `${JSON.stringify(createJsonReport(input), null, 2)}\n`;
}

/**
 * Reads a JSON report back (e.g. to compare two runs), checking its version and every field.
 *
 * @param text - JSON text or an already parsed value
 * @returns the validated report
 * @throws {@link ReportInputInvalidError} when the text is not JSON (`field` is `report`), the
 * `schemaVersion` is not 1, or a field is malformed
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { parseJsonReport } from '@weft/reporters';
 * const previous = parseJsonReport(readFileSync('report.json', 'utf8'));
 * ```
 */
export function parseJsonReport(text: unknown): JsonReport {
  let value: unknown = text;
  if (typeof text === 'string') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ReportInputInvalidError('report', 'got text that is not valid JSON', {
        cause: error,
      });
    }
  }
  const obj = record(value, 'report');
  if (obj['kind'] !== 'weft.report') fail('report.kind', obj['kind'], "'weft.report'");
  if (obj['schemaVersion'] !== REPORT_SCHEMA_VERSION) {
    fail(
      'report.schemaVersion',
      obj['schemaVersion'],
      `${REPORT_SCHEMA_VERSION} (this version of @weft/reporters reads version 1)`,
    );
  }
  return createJsonReport(obj);
}
