// Report input: the parts of a run (metadata, comparison, timeline, titled sections) that the
// JSON, Markdown and HTML renderers take.
import type { Comparison } from './comparison.js';
import type { RunMetadata } from './run-metadata.js';
import type { Timeline } from './timeline.js';

/**
 * One answer a run checked, shown in a section's table of checks with ✔ (held) or ✘ (wrong).
 *
 * @example
 * ```ts
 * import type { ReportCheck } from '@weft/reporters';
 * const check: ReportCheck = {
 *   label: 'unprotected counter', expected: '2,000,000', actual: '1,204,417', ok: false,
 *   detail: '795,583 lost updates',
 * };
 * ```
 */
export interface ReportCheck {
  /** What was checked. */
  readonly label: string;
  /** The right answer. */
  readonly expected: string;
  /** What the run gave. */
  readonly actual: string;
  /** Whether the run gave the right answer. */
  readonly ok: boolean;
  /** A few words more, e.g. how many updates were lost. */
  readonly detail?: string | undefined;
}

/**
 * A program shown in a section as it is written (e.g. the Python program a lesson is about), in a
 * monospaced block with its title.
 *
 * @example
 * ```ts
 * import type { ReportListing } from '@weft/reporters';
 * const listing: ReportListing = {
 *   title: 'race_locked.py', language: 'python',
 *   code: 'with lock:\n    counter += 1\n',
 * };
 * ```
 */
export interface ReportListing {
  /** What the program is, e.g. its file name. */
  readonly title: string;
  /** Its language, e.g. `python` (a label, and the Markdown fence's info string). */
  readonly language: string;
  /** The program's text, shown as is. */
  readonly code: string;
}

/**
 * A titled part of a report, e.g. one experiment of several run together.
 *
 * @example
 * ```ts
 * import { renderHtmlReport, type ReportSection } from '@weft/reporters';
 * const sections: ReportSection[] = [
 *   { title: 'mandelbrot', comparison: mandelbrot, timeline: mandelbrotTimeline },
 *   { title: 'spectral-norm', comparison: spectralNorm },
 * ];
 * const html = renderHtmlReport({ title: 'CPU workloads', sections });
 * ```
 */
export interface ReportSection {
  /** Heading of the section. */
  readonly title: string;
  /**
   * Paragraphs of plain text that explain the section (the claim, what ran, the verdict); shown
   * before its tables and charts in HTML and Markdown. Not part of the JSON report.
   */
  readonly notes?: readonly string[] | undefined;
  /** Programs the section is about, shown after the notes as written. Not in JSON. */
  readonly listings?: readonly ReportListing[] | undefined;
  /** Answers the run checked, each marked ✔ or ✘, shown before the measurements. Not in JSON. */
  readonly checks?: readonly ReportCheck[] | undefined;
  /** The section's measurements against a baseline, from {@link compare}. */
  readonly comparison?: Comparison | undefined;
  /** What ran where and when during the section. */
  readonly timeline?: Timeline | undefined;
  /**
   * The conclusion the run's own figures support, shown last and set apart (in HTML and Markdown;
   * not in JSON).
   */
  readonly verdict?: string | undefined;
}

/**
 * The parts of a run a report can hold; every part is optional.
 *
 * @example
 * ```ts
 * import { collectRunMetadata, formatMarkdownReport, type ReportInput } from '@weft/reporters';
 * const input: ReportInput = {
 *   title: 'mandelbrot', comparison, timeline, metadata: collectRunMetadata(),
 * };
 * process.stdout.write(formatMarkdownReport(input));
 * ```
 */
export interface ReportInput {
  /** Title of the report. */
  readonly title?: string | undefined;
  /** Measurements against a baseline, from {@link compare}. */
  readonly comparison?: Comparison | undefined;
  /** What ran where and when. */
  readonly timeline?: Timeline | undefined;
  /** Machine, configuration and date, from {@link collectRunMetadata}. */
  readonly metadata?: RunMetadata | undefined;
  /** Further titled parts, rendered after the top-level comparison and timeline. */
  readonly sections?: readonly ReportSection[] | undefined;
}
