// Mandelbrot zoom rendering (standing in for video rendering): frames of 1-bit images, split by
// bands of rows across all frames. Frame 0 is exactly the Computer Language Benchmarks Game's
// mandelbrot (50 iterations, escape radius 2, region [-1.5, 0.5] × [-1, 1]), so its PBM file has
// the published checksum; later frames zoom towards a point in the Seahorse Valley. Frames can be
// written as PBM (1 bit) or PGM (8-bit grey) files.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCpu, type CheckIn } from './internal/cpu.js';
import { WorkloadOptionError } from './errors.js';
import { md5Hex } from './internal/bytes.js';
import {
  checkCoverage,
  intField,
  numberField,
  rangeField,
  readObject,
  splitRanges,
  withRange,
} from './internal/params.js';
import type { PartRange, Verification, Workload, WorkloadRunOptions } from './workload.js';

/**
 * Params of {@link mandelbrot}.
 *
 * @example
 * ```ts
 * import { mandelbrot, type MandelbrotParams } from '@weft/workloads';
 * const params: MandelbrotParams = mandelbrot.validate({ size: 200, frames: 1 });
 * ```
 */
export interface MandelbrotParams {
  /**
   * Width and height of each frame in pixels.
   * @defaultValue 200
   */
  readonly size: number;
  /**
   * Frames of the zoom (frame 0 is the classic whole-set view).
   * @defaultValue 4
   */
  readonly frames: number;
  /**
   * Iterations per pixel before it counts as inside the set.
   * @defaultValue 50
   */
  readonly iterations: number;
  /**
   * Scale factor from one frame to the next (0.75 zooms in by a third per frame).
   * @defaultValue 0.75
   */
  readonly zoom: number;
  /** The rows (numbered across frames: frame × size + y) this part renders (set by `split()`). @defaultValue all rows */
  readonly range?: PartRange;
}

/**
 * Result of {@link mandelbrot}: packed 1-bit rows (PBM P4 layout: MSB first, rows padded to a byte),
 * base64-encoded so the result is plain JSON.
 *
 * @example
 * ```ts
 * import { mandelbrot, mandelbrotImages, type MandelbrotResult } from '@weft/workloads';
 * const params = mandelbrot.validate({ size: 200, frames: 1 });
 * const result: MandelbrotResult = await mandelbrot.run(params);
 * const [pbm] = mandelbrotImages(result, params); // 5011 bytes
 * ```
 */
export interface MandelbrotResult {
  /** Rows covered (frame × size + y). */
  readonly range: PartRange;
  /** The rows' bits, base64. */
  readonly bits: string;
}

const NAME = 'mandelbrot';
// Seahorse Valley.
const TARGET_X = -0.743643887037151;
const TARGET_Y = 0.13182590420533;
// Published Benchmarks Game checksum of the N=200 PBM file (frame 0).
const PBM_200_MD5 = 'cc65e64bd553ed18896de1dfe7fae3e5';
// MD5 of every frame, in order, for the named sizes (frame 0 of the small size checked against
// the published value above).
const FRAMES_MD5: Readonly<Record<string, readonly string[]>> = {
  '200/4/50/0.75': [
    'cc65e64bd553ed18896de1dfe7fae3e5',
    '3ae47224f5eee8a605ec79cabe5359ee',
    'd24aef5256874282ce503a8cc645e1a2',
    '5290956453a2b8b4dcd4d9aa091f1136',
  ],
};

function key(params: MandelbrotParams): string {
  return `${params.size}/${params.frames}/${params.iterations}/${params.zoom}`;
}

function renderRows(params: MandelbrotParams, range: PartRange, checkIn: CheckIn): Uint8Array {
  const n = params.size;
  const rowBytes = Math.ceil(n / 8);
  const out = new Uint8Array((range.end - range.start) * rowBytes);
  const iterations = params.iterations;
  let offset = 0;
  for (let row = range.start; row < range.end; row++) {
    checkIn();
    const frame = Math.floor(row / n);
    const y = row - frame * n;
    const s = params.zoom ** frame;
    const ci = ((2 * y) / n - 1) * s + TARGET_Y * (1 - s);
    let bits = 0;
    let bit = 0;
    for (let x = 0; x < n; x++) {
      const cr = ((2 * x) / n - 1.5) * s + TARGET_X * (1 - s);
      let zr = 0;
      let zi = 0;
      let tr = 0;
      let ti = 0;
      for (let i = 0; i < iterations && tr + ti <= 4; i++) {
        zi = 2 * zr * zi + ci;
        zr = tr - ti + cr;
        tr = zr * zr;
        ti = zi * zi;
      }
      bits = (bits << 1) | (tr + ti <= 4 ? 1 : 0);
      if (++bit === 8) {
        out[offset++] = bits;
        bits = 0;
        bit = 0;
      }
    }
    if (bit !== 0) out[offset++] = (bits << (8 - bit)) & 0xff;
  }
  return out;
}

/**
 * Options of {@link mandelbrotImages} and {@link writeMandelbrotFrames}.
 *
 * @example
 * ```ts
 * import type { MandelbrotImageOptions } from '@weft/workloads';
 * const options: MandelbrotImageOptions = { format: 'pgm' };
 * ```
 */
export interface MandelbrotImageOptions {
  /**
   * Image format: `pbm` is Netpbm P4 (1 bit per pixel, the Benchmarks Game's output, md5-checked);
   * `pgm` is Netpbm P5 (8-bit grey: black inside the set, white outside), which more tools open.
   * @defaultValue 'pbm'
   */
  readonly format?: 'pbm' | 'pgm';
}

const FORMATS = ['pbm', 'pgm'] as const;

function formatOf(fn: string, options: MandelbrotImageOptions | undefined): 'pbm' | 'pgm' {
  const format = options?.format ?? 'pbm';
  if (!(FORMATS as readonly unknown[]).includes(format)) {
    throw new WorkloadOptionError(fn, 'format', format, "'pbm', 'pgm' or undefined");
  }
  return format;
}

/** Unpacks PBM rows (MSB first, rows padded to a byte) into 8-bit grey: set pixels 0, others 255. */
function toGrey(bits: Uint8Array, n: number): Uint8Array {
  const rowBytes = Math.ceil(n / 8);
  const grey = new Uint8Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const bit = (bits[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1;
      grey[y * n + x] = bit === 1 ? 0 : 255;
    }
  }
  return grey;
}

/**
 * The frames of a whole {@link mandelbrot} result as image files: PBM (P4) by default, or PGM (P5).
 *
 * @param result - a whole (merged or unsplit) result
 * @param params - the params it was run with
 * @param options - the image format
 * @returns one image file (header and pixels) per frame
 * @throws RangeError when the result does not cover every row; WorkloadOptionError for an unknown
 *   format
 * @example
 * ```ts
 * import { mandelbrot, mandelbrotImages } from '@weft/workloads';
 * const params = mandelbrot.validate({ size: 200, frames: 2 });
 * const result = await mandelbrot.run(params);
 * const pbm = mandelbrotImages(result, params); // 2 × 5011 bytes
 * const pgm = mandelbrotImages(result, params, { format: 'pgm' }); // 2 × (15 + 40,000) bytes
 * ```
 */
export function mandelbrotImages(
  result: MandelbrotResult,
  params: MandelbrotParams,
  options?: MandelbrotImageOptions,
): Uint8Array[] {
  const format = formatOf('mandelbrotImages', options);
  const n = params.size;
  const rowBytes = Math.ceil(n / 8);
  const bytes = Buffer.from(result.bits, 'base64');
  if (
    result.range.start !== 0 ||
    result.range.end !== n * params.frames ||
    bytes.length !== n * rowBytes * params.frames
  ) {
    throw new RangeError(`mandelbrotImages: the result must cover all ${n * params.frames} rows`);
  }
  const header = Buffer.from(
    format === 'pbm' ? `P4\n${n} ${n}\n` : `P5\n${n} ${n}\n255\n`,
    'ascii',
  );
  const images: Uint8Array[] = [];
  for (let f = 0; f < params.frames; f++) {
    const frame = bytes.subarray(f * n * rowBytes, (f + 1) * n * rowBytes);
    images.push(Buffer.concat([header, format === 'pbm' ? frame : toGrey(frame, n)]));
  }
  return images;
}

/**
 * Writes the frames of a whole {@link mandelbrot} result as `frame-0000.pbm`, `frame-0001.pbm`, …
 * (or `.pgm`; viewable with most image viewers; `ffmpeg -i frame-%04d.pgm zoom.mp4` makes a video).
 *
 * @param result - a whole (merged or unsplit) result
 * @param params - the params it was run with
 * @param directory - where to write (created if missing)
 * @param options - the image format
 * @returns the written paths
 * @throws RangeError when the result does not cover every row; WorkloadOptionError for an unknown
 *   format; file-system errors
 * @example
 * ```ts
 * import { mandelbrot, writeMandelbrotFrames } from '@weft/workloads';
 * const params = mandelbrot.validate({ size: 400, frames: 8 });
 * await writeMandelbrotFrames(await mandelbrot.run(params), params, './frames', { format: 'pgm' });
 * ```
 */
export async function writeMandelbrotFrames(
  result: MandelbrotResult,
  params: MandelbrotParams,
  directory: string,
  options?: MandelbrotImageOptions,
): Promise<string[]> {
  const format = formatOf('writeMandelbrotFrames', options);
  const images = mandelbrotImages(result, params, { format });
  await mkdir(directory, { recursive: true });
  const paths: string[] = [];
  for (const [f, image] of images.entries()) {
    const path = join(directory, `frame-${String(f).padStart(4, '0')}.${format}`);
    await writeFile(path, image);
    paths.push(path);
  }
  return paths;
}

/**
 * Frames of a Mandelbrot zoom rendered as 1-bit images (standing for video rendering), split by
 * bands of rows; frame 0 is the Benchmarks Game image (N=200 PBM md5 cc65e64b…), the named sizes are
 * checked frame by frame against stored checksums. Demonstrates embarrassingly parallel CPU work with
 * uneven cost per row (rows inside the set cost the full iteration count).
 *
 * @example
 * ```ts
 * import { mandelbrot } from '@weft/workloads';
 * const params = mandelbrot.sizes.small;
 * const parts = await Promise.all(mandelbrot.split(params, 4).map((part) => mandelbrot.run(part)));
 * console.log(mandelbrot.verify(mandelbrot.merge(parts, params), params).ok); // true
 * ```
 */
export const mandelbrot: Workload<MandelbrotParams, MandelbrotResult> = {
  name: NAME,
  kind: 'cpu',
  description: 'Frames of a Mandelbrot zoom as 1-bit images, split by bands of rows.',
  sizes: {
    small: { size: 200, frames: 4, iterations: 50, zoom: 0.75 },
    medium: { size: 600, frames: 8, iterations: 50, zoom: 0.75 },
    large: { size: 1200, frames: 24, iterations: 50, zoom: 0.75 },
  },
  defaults: { size: 200, frames: 4, iterations: 50, zoom: 0.75 },
  validate(params?: unknown): MandelbrotParams {
    const object = readObject(NAME, params, ['size', 'frames', 'iterations', 'zoom', 'range']);
    const size = intField(NAME, object, 'size', 200, 8, 16_000);
    const frames = intField(NAME, object, 'frames', 4, 1, 10_000);
    const iterations = intField(NAME, object, 'iterations', 50, 1, 100_000);
    const zoom = numberField(NAME, object, 'zoom', 0.75, 1e-3, 1);
    return withRange({ size, frames, iterations, zoom }, rangeField(NAME, object, size * frames));
  },
  run(params: MandelbrotParams, options?: WorkloadRunOptions): Promise<MandelbrotResult> {
    return runCpu(NAME, options, (checkIn) => {
      const valid = mandelbrot.validate(params);
      const range = valid.range ?? { start: 0, end: valid.size * valid.frames };
      return { range, bits: Buffer.from(renderRows(valid, range, checkIn)).toString('base64') };
    });
  },
  verify(result: MandelbrotResult, params: MandelbrotParams): Verification {
    let images: Uint8Array[];
    try {
      images = mandelbrotImages(result, params);
    } catch (error) {
      return { ok: false, against: 'reference', detail: (error as Error).message };
    }
    const sums = images.map((image) => md5Hex(image));
    if (params.size === 200 && params.iterations === 50 && sums[0] !== PBM_200_MD5) {
      return {
        ok: false,
        against: 'reference',
        detail: `frame 0 md5 ${sums[0]} != ${PBM_200_MD5}`,
      };
    }
    const stored = FRAMES_MD5[key(params)];
    if (stored !== undefined) {
      const bad = sums.findIndex((sum, f) => sum !== stored[f]);
      return bad === -1
        ? { ok: true, against: 'reference', detail: `${sums.length} frame checksums match` }
        : {
            ok: false,
            against: 'reference',
            detail: `frame ${bad} md5 ${sums[bad]} != ${stored[bad]}`,
          };
    }
    // No stored checksums: re-render the last row inline (a different split) and compare.
    const total = params.size * params.frames;
    const last = Buffer.from(renderRows(params, { start: total - 1, end: total }, () => {}));
    const bytes = Buffer.from(result.bits, 'base64');
    const ok = last.equals(bytes.subarray(bytes.length - last.length));
    const referenced = params.size === 200 && params.iterations === 50;
    return {
      ok,
      against: referenced ? 'reference' : 'recomputed',
      detail: `${referenced ? 'frame 0 matches the published md5; ' : ''}last row re-rendered ${ok ? 'matches' : 'differs'}`,
    };
  },
  split(params: MandelbrotParams, parts: number): MandelbrotParams[] {
    const { range: _range, ...whole } = params;
    return splitRanges(NAME, params.size * params.frames, parts, params.range).map((range) => ({
      ...whole,
      range,
    }));
  },
  merge(results: readonly MandelbrotResult[], params: MandelbrotParams): MandelbrotResult {
    const total = params.size * params.frames;
    checkCoverage(NAME, results, total);
    const bits = Buffer.concat(results.map((r) => Buffer.from(r.bits, 'base64'))).toString(
      'base64',
    );
    return { range: { start: 0, end: total }, bits };
  },
};
