// Public entry of @weft/reporters: every export is named here and nowhere else.
export { ReporterError, ReportInputInvalidError, ReporterOptionsInvalidError } from './errors.js';
export { summarize, madOutliers, studentT95 } from './statistics.js';
export type { SampleStats } from './statistics.js';
export { compare, validateComparison } from './comparison.js';
export type {
  Comparison,
  ComparisonInput,
  ComparisonRow,
  ComparisonRowInput,
  Direction,
  SampleStatsInput,
} from './comparison.js';
export { validateTimeline } from './timeline.js';
export type {
  InstantKind,
  LaneKind,
  SpanStatus,
  Timeline,
  TimelineCounter,
  TimelineCounterPoint,
  TimelineInstant,
  TimelineLane,
  TimelineSpan,
} from './timeline.js';
export { collectRunMetadata, validateRunMetadata } from './run-metadata.js';
export type { CollectRunMetadataOptions, MachineInfo, RunMetadata } from './run-metadata.js';
export { shouldUseColor } from './color.js';
export type { ColorOptions } from './color.js';
export { formatComparisonTable, formatTimelineAscii } from './console.js';
export type { AsciiTimelineOptions, ConsoleOptions } from './console.js';
export { ProgressBar } from './progress-bar.js';
export type { ProgressBarOptions, ProgressMode, ProgressStream } from './progress-bar.js';
export {
  REPORT_SCHEMA_ID,
  REPORT_SCHEMA_VERSION,
  createJsonReport,
  formatJsonReport,
  parseJsonReport,
  reportJsonSchema,
} from './json-report.js';
export type { JsonReport } from './json-report.js';
export type { ReportCheck, ReportInput, ReportListing, ReportSection } from './report.js';
export { formatMarkdownReport } from './markdown.js';
export { formatComparisonCsv, formatTimelineCsv } from './csv.js';
export { renderHtmlReport } from './html-report.js';
export { formatChromeTrace, toChromeTrace } from './chrome-trace.js';
export type {
  ChromeTrace,
  ChromeTraceOptions,
  TraceArgs,
  TraceCompleteEvent,
  TraceCounterEvent,
  TraceEvent,
  TraceInstantEvent,
  TraceMetadataEvent,
} from './chrome-trace.js';
