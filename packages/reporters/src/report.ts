// Report input: the parts of a run (metadata, comparison, timeline, titled sections) that the
// JSON, Markdown and HTML renderers take.
import type { Comparison } from './comparison.js';
import type { RunMetadata } from './run-metadata.js';
import type { Timeline } from './timeline.js';

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
  /** The section's measurements against a baseline, from {@link compare}. */
  readonly comparison?: Comparison | undefined;
  /** What ran where and when during the section. */
  readonly timeline?: Timeline | undefined;
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
