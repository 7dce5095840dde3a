// Validation of a report input, shared by the JSON, Markdown and HTML renderers.
import { validateComparison, type Comparison } from '../comparison.js';
import { validateRunMetadata, type RunMetadata } from '../run-metadata.js';
import { validateTimeline, type Timeline } from '../timeline.js';
import { array, boolean, optional, record, string } from './validate.js';

/** A validated report input: absent parts are left out. */
export interface ValidReport {
  readonly title?: string;
  readonly comparison?: Comparison;
  readonly timeline?: Timeline;
  readonly metadata?: RunMetadata;
  readonly sections?: readonly ValidSection[];
}

/** A validated check of a section. */
export interface ValidCheck {
  readonly label: string;
  readonly expected: string;
  readonly actual: string;
  readonly ok: boolean;
  readonly detail?: string;
}

function validateCheck(value: unknown, field: string): ValidCheck {
  const obj = record(value, field);
  const check: Mutable<ValidCheck> = {
    label: string(obj['label'], `${field}.label`),
    expected: string(obj['expected'], `${field}.expected`, false),
    actual: string(obj['actual'], `${field}.actual`, false),
    ok: boolean(obj['ok'], `${field}.ok`),
  };
  const detail = optional(obj['detail'], `${field}.detail`, (v, f) => string(v, f, false));
  if (detail !== undefined) check.detail = detail;
  return check;
}

/** A validated program listing of a section. */
export interface ValidListing {
  readonly title: string;
  readonly language: string;
  readonly code: string;
}

function validateListing(value: unknown, field: string): ValidListing {
  const obj = record(value, field);
  return {
    title: string(obj['title'], `${field}.title`),
    language: string(obj['language'], `${field}.language`),
    code: string(obj['code'], `${field}.code`, false),
  };
}

/** A validated report section. */
export interface ValidSection {
  readonly title: string;
  readonly notes?: readonly string[];
  readonly listings?: readonly ValidListing[];
  readonly verdict?: string;
  readonly checks?: readonly ValidCheck[];
  readonly comparison?: Comparison;
  readonly timeline?: Timeline;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function validateSection(value: unknown, field: string): ValidSection {
  const obj = record(value, field);
  const out: Mutable<ValidSection> = { title: string(obj['title'], `${field}.title`, false) };
  if (obj['notes'] !== undefined) {
    out.notes = array(obj['notes'], `${field}.notes`).map((n, i) =>
      string(n, `${field}.notes[${i}]`),
    );
  }
  if (obj['listings'] !== undefined) {
    out.listings = array(obj['listings'], `${field}.listings`).map((l, i) =>
      validateListing(l, `${field}.listings[${i}]`),
    );
  }
  if (obj['verdict'] !== undefined) out.verdict = string(obj['verdict'], `${field}.verdict`);
  if (obj['checks'] !== undefined) {
    out.checks = array(obj['checks'], `${field}.checks`).map((c, i) =>
      validateCheck(c, `${field}.checks[${i}]`),
    );
  }
  if (obj['comparison'] !== undefined) {
    out.comparison = validateComparison(obj['comparison'], `${field}.comparison`);
  }
  if (obj['timeline'] !== undefined) {
    out.timeline = validateTimeline(obj['timeline'], `${field}.timeline`);
  }
  return out;
}

/** Validates every part of a report input, naming the field (`report.sections[1].timeline...`). */
export function validateReport(value: unknown): ValidReport {
  const obj = record(value, 'report');
  const out: Mutable<ValidReport> = {};
  const title = optional(obj['title'], 'report.title', (v, f) => string(v, f, false));
  if (title !== undefined) out.title = title;
  if (obj['metadata'] !== undefined) {
    out.metadata = validateRunMetadata(obj['metadata'], 'report.metadata');
  }
  if (obj['comparison'] !== undefined) {
    out.comparison = validateComparison(obj['comparison'], 'report.comparison');
  }
  if (obj['timeline'] !== undefined) {
    out.timeline = validateTimeline(obj['timeline'], 'report.timeline');
  }
  if (obj['sections'] !== undefined) {
    out.sections = array(obj['sections'], 'report.sections').map((s, i) =>
      validateSection(s, `report.sections[${i}]`),
    );
  }
  return out;
}
