// Disk workload: write N files of S bytes with fsync into a fresh temp folder, read them back,
// check their contents, and remove the folder (also on error or abort).
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkloadParamsError, WorkloadVerificationError } from './errors.js';
import { addChecksum, deterministicBytes, fnv1a } from './internal/bytes.js';
import { forEachConcurrent, runIo } from './internal/io.js';
import { expectedBytesIo, mergeIo, verifyIo } from './internal/io-merge.js';
import {
  booleanField,
  intField,
  rangeField,
  readObject,
  splitByRange,
  withRange,
} from './internal/params.js';
import type { IoResult } from './io-result.js';
import type { PartRange, Verification, Workload, WorkloadRunOptions } from './workload.js';

/**
 * Params of {@link diskFiles}.
 *
 * @example
 * ```ts
 * import { diskFiles, type DiskFilesParams } from '@weft/workloads';
 * const params: DiskFilesParams = diskFiles.validate({ files: 16, fileBytes: 1 << 20 });
 * ```
 */
export interface DiskFilesParams {
  /**
   * Files to write and read back.
   * @defaultValue 8
   */
  readonly files: number;
  /**
   * Size of each file in bytes.
   * @defaultValue 65536
   */
  readonly fileBytes: number;
  /**
   * Flush each file to the device (`fsync`) before closing it: this is what makes the work really
   * wait on the disk rather than on the page cache.
   * @defaultValue true
   */
  readonly fsync: boolean;
  /**
   * File operations in flight at once.
   * @defaultValue 4
   */
  readonly concurrency: number;
  /**
   * Folder in which the temporary folder is created.
   * @defaultValue `os.tmpdir()`
   */
  readonly directory?: string;
  /** The file indices this part handles (set by `split()`). @defaultValue all files */
  readonly range?: PartRange;
}

const NAME = 'disk';

/**
 * File I/O with fsync: writes N files of S deterministic bytes into a fresh temporary folder
 * (`weft-disk-*`), flushes each to the device, reads them back, checks every byte, and removes the
 * folder, also on error or abort. Split by ranges of file indices. Demonstrates I/O-bound work that
 * waits on the disk (through libuv's thread pool).
 *
 * @example
 * ```ts
 * import { diskFiles } from '@weft/workloads';
 * const params = diskFiles.sizes.small;
 * console.log(diskFiles.verify(await diskFiles.run(params), params).ok); // true
 * ```
 */
export const diskFiles: Workload<DiskFilesParams, IoResult> = {
  name: NAME,
  kind: 'io',
  description:
    'Write N files with fsync into a temp folder, read them back, check them, remove the folder.',
  sizes: {
    small: { files: 8, fileBytes: 65_536, fsync: true, concurrency: 4 },
    medium: { files: 64, fileBytes: 1_048_576, fsync: true, concurrency: 8 },
    large: { files: 256, fileBytes: 4_194_304, fsync: true, concurrency: 8 },
  },
  defaults: { files: 8, fileBytes: 65_536, fsync: true, concurrency: 4 },
  validate(params?: unknown): DiskFilesParams {
    const object = readObject(NAME, params, [
      'files',
      'fileBytes',
      'fsync',
      'concurrency',
      'directory',
      'range',
    ]);
    const files = intField(NAME, object, 'files', 8, 1, 100_000);
    const fileBytes = intField(NAME, object, 'fileBytes', 65_536, 0, 256 * 1024 * 1024);
    const fsync = booleanField(NAME, object, 'fsync', true);
    const concurrency = intField(NAME, object, 'concurrency', 4, 1, 256);
    const directory = object['directory'];
    if (directory !== undefined && (typeof directory !== 'string' || directory === '')) {
      throw new WorkloadParamsError(NAME, 'directory', directory, 'a non-empty path string');
    }
    const base =
      directory === undefined
        ? { files, fileBytes, fsync, concurrency }
        : { files, fileBytes, fsync, concurrency, directory };
    return withRange(base, rangeField(NAME, object, files));
  },
  run(params: DiskFilesParams, options?: WorkloadRunOptions): Promise<IoResult> {
    return runIo(NAME, options, async (io) => {
      const valid = diskFiles.validate(params);
      const range = valid.range ?? { start: 0, end: valid.files };
      const signal = options?.signal;
      const folder = await io(() => mkdtemp(join(valid.directory ?? tmpdir(), 'weft-disk-')));
      const path = (index: number): string => join(folder, `file-${index}.bin`);
      let bytes = 0;
      let checksum = 0;
      try {
        await forEachConcurrent(
          range.start,
          range.end,
          valid.concurrency,
          signal,
          async (index) => {
            const data = deterministicBytes(index, valid.fileBytes);
            await io(async () => {
              const handle = await open(path(index), 'w');
              try {
                await handle.writeFile(data);
                if (valid.fsync) await handle.sync();
              } finally {
                await handle.close();
              }
            });
          },
        );
        await forEachConcurrent(
          range.start,
          range.end,
          valid.concurrency,
          signal,
          async (index) => {
            const data = await io(() => readFile(path(index)));
            if (!data.equals(deterministicBytes(index, valid.fileBytes))) {
              throw new WorkloadVerificationError(
                NAME,
                `file ${index} read back differs from the ${valid.fileBytes} bytes written`,
              );
            }
            bytes += data.length;
            checksum = addChecksum(checksum, fnv1a(data));
          },
        );
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
      return { range, items: range.end - range.start, bytes, checksum };
    });
  },
  verify(result: IoResult, params: DiskFilesParams): Verification {
    const whole = { start: 0, end: params.files };
    return verifyIo(result, expectedBytesIo(whole, params.fileBytes), whole);
  },
  split(params: DiskFilesParams, parts: number): DiskFilesParams[] {
    return splitByRange(NAME, params, params.files, parts);
  },
  merge(results: readonly IoResult[], params: DiskFilesParams): IoResult {
    return mergeIo(NAME, results, params.files);
  },
};
