// Error classes of @weft/reporters: one base class, one subclass per failure, each with a stable code.

/**
 * Base class of every error thrown by `@weft/reporters`; catch it to handle any of them.
 *
 * @example
 * ```ts
 * import { ReporterError, compare } from '@weft/reporters';
 * try {
 *   compare({ baseline: 'a', rows: [] });
 * } catch (error) {
 *   if (error instanceof ReporterError) console.error(error.code);
 * }
 * ```
 */
export class ReporterError extends Error {
  /** Class name, kept through bundling and minification. */
  override readonly name: string = 'ReporterError';
  /** Stable machine-readable code; subclasses narrow it to a literal. */
  readonly code: string = 'ERR_WEFT_REPORTER';
}

/**
 * Thrown when an input (comparison, timeline, run metadata, report) is malformed; `field` names
 * the offending field as a path such as `timeline.spans[3].end`.
 *
 * @example
 * ```ts
 * import { ReportInputInvalidError, validateTimeline } from '@weft/reporters';
 * try {
 *   validateTimeline({ lanes: [], spans: [{}], instants: [], counters: [] });
 * } catch (error) {
 *   if (error instanceof ReportInputInvalidError) console.error(error.field); // 'timeline.spans[0].lane'
 * }
 * ```
 */
export class ReportInputInvalidError extends ReporterError {
  /** Class name, kept through bundling and minification. */
  override readonly name = 'ReportInputInvalidError' as const;
  /** Stable machine-readable code. */
  override readonly code = 'ERR_WEFT_REPORT_INPUT_INVALID' as const;
  /** Path of the offending field, e.g. `comparison.rows[2].samples[0]`. */
  readonly field: string;

  /**
   * Creates the error; the message becomes `"<field>: <message>"`.
   *
   * @param field - path of the offending field
   * @param message - what was given and what is allowed
   * @param options - standard error options (`cause`)
   * @example
   * ```ts
   * import { ReportInputInvalidError } from '@weft/reporters';
   * throw new ReportInputInvalidError('rows[0].samples', 'got an empty array; expected a sample');
   * ```
   */
  constructor(field: string, message: string, options?: ErrorOptions) {
    super(`${field}: ${message}`, options);
    this.field = field;
  }
}

/**
 * Thrown when options passed to a reporter (progress bar, table, HTML report) are invalid;
 * `option` names the offending option.
 *
 * @example
 * ```ts
 * import { ReporterOptionsInvalidError, ProgressBar } from '@weft/reporters';
 * try {
 *   new ProgressBar({ total: -1 });
 * } catch (error) {
 *   if (error instanceof ReporterOptionsInvalidError) console.error(error.option); // 'total'
 * }
 * ```
 */
export class ReporterOptionsInvalidError extends ReporterError {
  /** Class name, kept through bundling and minification. */
  override readonly name = 'ReporterOptionsInvalidError' as const;
  /** Stable machine-readable code. */
  override readonly code = 'ERR_WEFT_REPORTER_OPTIONS_INVALID' as const;
  /** Name of the offending option. */
  readonly option: string;

  /**
   * Creates the error; the message becomes `"<option>: <message>"`.
   *
   * @param option - name of the offending option
   * @param message - what was given and what is allowed
   * @param options - standard error options (`cause`)
   * @example
   * ```ts
   * import { ReporterOptionsInvalidError } from '@weft/reporters';
   * throw new ReporterOptionsInvalidError('width', 'got 10; expected an integer >= 40');
   * ```
   */
  constructor(option: string, message: string, options?: ErrorOptions) {
    super(`${option}: ${message}`, options);
    this.option = option;
  }
}
