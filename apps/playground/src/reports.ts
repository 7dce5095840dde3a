// Writes what an experiment measured as JSON, HTML and Chrome-trace files through @weft/reporters.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  collectRunMetadata,
  createJsonReport,
  formatChromeTrace,
  renderHtmlReport,
  type RunMetadata,
  type Timeline,
} from '@weft/reporters';
import type { ExperimentOutcome } from './experiment.js';

/** The playground's JSON file: the run's metadata, what it verified, and one reporters report per section. */
export interface PlaygroundJson {
  readonly schema: 'weft-playground/1';
  readonly experiment: string;
  readonly metadata: RunMetadata;
  readonly checks: Readonly<Record<string, unknown>>;
  readonly sections: readonly {
    readonly title: string;
    readonly report: ReturnType<typeof createJsonReport>;
  }[];
}

/** All sections' timelines in one, lane ids kept apart by section. */
export function mergeTimelines(timelines: readonly Timeline[]): Timeline {
  const merged: {
    lanes: Timeline['lanes'][number][];
    spans: Timeline['spans'][number][];
    instants: Timeline['instants'][number][];
    counters: Timeline['counters'][number][];
  } = {
    lanes: [],
    spans: [],
    instants: [],
    counters: [],
  };
  timelines.forEach((t, i) => {
    const id = (lane: string): string => `s${i}:${lane}`;
    merged.lanes.push(...t.lanes.map((l) => ({ ...l, id: id(l.id) })));
    merged.spans.push(...t.spans.map((s) => ({ ...s, lane: id(s.lane) })));
    merged.instants.push(...t.instants.map((x) => ({ ...x, lane: id(x.lane) })));
    merged.counters.push(...t.counters);
  });
  return merged;
}

export interface ReportTargets {
  readonly json?: string | undefined;
  readonly html?: string | undefined;
  readonly trace?: string | undefined;
  /**
   * When `html` is absent: write the HTML report as `report.html` in a fresh directory made with
   * `mkdtemp(<temp folder>/<this prefix>)`, created exclusively, so nothing planted in the shared
   * temp folder (a symlink at a fixed name) is ever followed.
   */
  readonly htmlInFreshTempDir?: string | undefined;
}

/** Writes the requested files and returns their absolute paths. */
export async function writeReports(
  outcome: ExperimentOutcome,
  targets: ReportTargets,
): Promise<string[]> {
  const metadata = collectRunMetadata({ configuration: { experiment: outcome.experiment } });
  const title = `weft-playground ${outcome.experiment}`;
  const written: string[] = [];
  if (targets.json !== undefined) {
    const json: PlaygroundJson = {
      schema: 'weft-playground/1',
      experiment: outcome.experiment,
      metadata,
      checks: outcome.checks,
      sections: outcome.sections.map((s) => ({
        title: s.title,
        report: createJsonReport({
          title: s.title,
          comparison: s.comparison,
          timeline: s.timeline,
        }),
      })),
    };
    const path = resolve(targets.json);
    await writeFile(path, `${JSON.stringify(json, null, 2)}\n`);
    written.push(path);
  }
  if (targets.html !== undefined || targets.htmlInFreshTempDir !== undefined) {
    const html = renderHtmlReport({ title, metadata, sections: outcome.sections });
    if (targets.html !== undefined) {
      const path = resolve(targets.html);
      await writeFile(path, html);
      written.push(path);
    } else {
      const dir = await mkdtemp(join(tmpdir(), targets.htmlInFreshTempDir ?? 'weft-'));
      const path = join(dir, 'report.html');
      await writeFile(path, html, { flag: 'wx', mode: 0o600 });
      written.push(path);
    }
  }
  if (targets.trace !== undefined) {
    const timelines = outcome.sections.flatMap((s) => (s.timeline ? [s.timeline] : []));
    const path = resolve(targets.trace);
    await writeFile(path, formatChromeTrace(mergeTimelines(timelines)));
    written.push(path);
  }
  return written;
}
