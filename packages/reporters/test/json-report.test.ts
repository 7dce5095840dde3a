import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  REPORT_SCHEMA_ID,
  REPORT_SCHEMA_VERSION,
  ReportInputInvalidError,
  collectRunMetadata,
  compare,
  createJsonReport,
  formatJsonReport,
  parseJsonReport,
  reportJsonSchema,
} from '@weft/reporters';
import { comparisonInput, metadata, timeline } from './fixtures/data.js';
import { validateAgainstSchema } from './helpers/json-schema.js';

const shipped = JSON.parse(
  readFileSync(
    fileURLToPath(import.meta.resolve('@weft/reporters/schema/report-v1.schema.json')),
    'utf8',
  ),
) as Record<string, unknown>;

describe('JSON report', () => {
  const full = { title: 'run', comparison: compare(comparisonInput), timeline, metadata };

  describe('schema', () => {
    it('ships as a package export equal to reportJsonSchema', () => {
      expect(shipped).toEqual(reportJsonSchema);
      expect(shipped['$id']).toBe(REPORT_SCHEMA_ID);
    });

    it('accepts a report with every part', () => {
      const report = JSON.parse(formatJsonReport(full)) as unknown;
      expect(validateAgainstSchema(shipped, report)).toEqual([]);
    });

    it('accepts a report built from this machine’s metadata', () => {
      const report = JSON.parse(
        formatJsonReport({ metadata: collectRunMetadata({ configuration: { quick: true } }) }),
      ) as unknown;
      expect(validateAgainstSchema(shipped, report)).toEqual([]);
    });

    it('accepts a report with sections', () => {
      const report = JSON.parse(
        formatJsonReport({
          sections: [
            { title: 'a', comparison: compare(comparisonInput), timeline },
            { title: 'b' },
          ],
        }),
      ) as unknown;
      expect(validateAgainstSchema(shipped, report)).toEqual([]);
    });

    it('accepts the smallest report', () => {
      expect(validateAgainstSchema(shipped, createJsonReport({}))).toEqual([]);
    });

    it('rejects documents that break it (so the check above can fail)', () => {
      const report = JSON.parse(formatJsonReport(full)) as {
        timeline: { spans: { status: string }[] };
        comparison: { rows: { stats: { n: number } }[] };
        metadata: { machine: { cpuModel?: string } };
        surprise?: boolean;
      };
      report.timeline.spans[0]!.status = 'ok';
      report.comparison.rows[0]!.stats.n = 0;
      delete report.metadata.machine.cpuModel;
      report.surprise = true;
      expect(validateAgainstSchema(shipped, report)).toEqual([
        '$.metadata.machine.cpuModel: required',
        '$.comparison.rows[0].stats.n: below minimum',
        '$.timeline.spans[0].status: not in enum',
        '$.surprise: not allowed',
      ]);
    });
  });

  describe('createJsonReport()', () => {
    it('stamps the schema id, version and kind', () => {
      expect(createJsonReport({})).toEqual({
        $schema: REPORT_SCHEMA_ID,
        schemaVersion: 1,
        kind: 'weft.report',
      });
      expect(REPORT_SCHEMA_VERSION).toBe(1);
    });

    it('validates every part, naming the field', () => {
      expect(() => createJsonReport({ timeline: { ...timeline, lanes: 'x' as never } })).toThrow(
        expect.objectContaining({ field: 'report.timeline.lanes' }),
      );
    });
  });

  describe('formatJsonReport()', () => {
    it('writes indented JSON with a trailing newline', () => {
      const text = formatJsonReport({ title: 't' });
      expect(text.endsWith('}\n')).toBe(true);
      expect(text).toContain('\n  "schemaVersion": 1');
    });
  });

  describe('parseJsonReport()', () => {
    it('reads back what formatJsonReport wrote', () => {
      expect(parseJsonReport(formatJsonReport(full))).toEqual(createJsonReport(full));
    });

    it('refuses another schema version', () => {
      const other = { ...createJsonReport({}), schemaVersion: 2 };
      expect(() => parseJsonReport(other)).toThrow(
        expect.objectContaining({ field: 'report.schemaVersion' }),
      );
    });

    it('refuses text that is not JSON, keeping the parse error as cause', () => {
      try {
        parseJsonReport('{nope');
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ReportInputInvalidError);
        expect((error as ReportInputInvalidError).field).toBe('report');
        expect((error as Error).cause).toBeInstanceOf(SyntaxError);
      }
    });
  });
});
