import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  mandelbrot,
  mandelbrotImages,
  WorkloadOptionError,
  WorkloadParamsError,
  writeMandelbrotFrames,
} from '@weft/workloads';
import { expectSplitInvariant } from './helpers.js';

const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

describe('mandelbrot', () => {
  it('renders frame 0 at N=200 as the published PBM (5011 bytes, md5 cc65e64b…)', async () => {
    const params = mandelbrot.validate({ size: 200, frames: 1 });
    const [pbm] = mandelbrotImages(await mandelbrot.run(params), params);
    expect(pbm).toHaveLength(5011);
    expect(md5(pbm!)).toBe('cc65e64bd553ed18896de1dfe7fae3e5');
  });

  it('gives identical frames for 1, 2, 3, 5 and 7 parts at the small size', async () => {
    const result = await expectSplitInvariant(mandelbrot, mandelbrot.sizes.small, [1, 2, 3, 5, 7]);
    expect(mandelbrot.verify(result, mandelbrot.sizes.small)).toMatchObject({
      ok: true,
      against: 'reference',
    });
  });

  it('handles widths that are not a multiple of 8 and flags a changed pixel', async () => {
    const params = mandelbrot.validate({ size: 37, frames: 2 });
    const result = await expectSplitInvariant(mandelbrot, params, [1, 4]);
    const bytes = Buffer.from(result.bits, 'base64');
    bytes[bytes.length - 1]! ^= 0x80;
    expect(mandelbrot.verify({ ...result, bits: bytes.toString('base64') }, params).ok).toBe(false);
  });

  it('writes the frames as PBM files when asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-mandelbrot-test-'));
    try {
      const params = mandelbrot.validate({ size: 200, frames: 2 });
      const paths = await writeMandelbrotFrames(await mandelbrot.run(params), params, dir);
      expect(paths.map((p) => p.slice(dir.length + 1))).toEqual([
        'frame-0000.pbm',
        'frame-0001.pbm',
      ]);
      expect(md5(await readFile(paths[0]!))).toBe('cc65e64bd553ed18896de1dfe7fae3e5');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes the frames as 8-bit PGM files, pixel for pixel the PBM bits', async () => {
    const params = mandelbrot.validate({ size: 37, frames: 2 });
    const result = await mandelbrot.run(params);
    const pbm = mandelbrotImages(result, params);
    const pgm = mandelbrotImages(result, params, { format: 'pgm' });
    const header = Buffer.from('P5\n37 37\n255\n');
    expect(pgm).toHaveLength(2);
    for (const [f, image] of pgm.entries()) {
      const bytes = Buffer.from(image);
      expect(bytes.subarray(0, header.length)).toEqual(header);
      const pixels = bytes.subarray(header.length);
      expect(pixels).toHaveLength(37 * 37);
      const bits = Buffer.from(pbm[f]!).subarray('P4\n37 37\n'.length);
      for (let y = 0; y < 37; y++) {
        for (let x = 0; x < 37; x++) {
          const inside = (bits[y * 5 + (x >> 3)]! >> (7 - (x & 7))) & 1;
          expect(pixels[y * 37 + x], `frame ${f} (${x}, ${y})`).toBe(inside === 1 ? 0 : 255);
        }
      }
    }
    expect(new Set(Buffer.from(pgm[0]!).subarray(header.length))).toEqual(new Set([0, 255]));
    const dir = await mkdtemp(join(tmpdir(), 'weft-mandelbrot-test-'));
    try {
      const paths = await writeMandelbrotFrames(result, params, dir, { format: 'pgm' });
      expect(paths.map((p) => p.slice(dir.length + 1))).toEqual([
        'frame-0000.pgm',
        'frame-0001.pgm',
      ]);
      expect(await readFile(paths[1]!)).toEqual(Buffer.from(pgm[1]!));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown image format, naming the option', async () => {
    const params = mandelbrot.validate({ size: 16, frames: 1 });
    const result = await mandelbrot.run(params);
    expect(() => mandelbrotImages(result, params, { format: 'png' as never })).toThrow(
      WorkloadOptionError,
    );
    await expect(
      writeMandelbrotFrames(result, params, tmpdir(), { format: 'gif' as never }),
    ).rejects.toMatchObject({ code: 'ERR_WEFT_WORKLOAD_OPTION', option: 'format' });
  });

  it('refuses to make images from a part, or to merge parts that do not cover every row', async () => {
    const params = mandelbrot.validate({ size: 64, frames: 1 });
    const [part] = mandelbrot.split(params, 2);
    const partResult = await mandelbrot.run(part!);
    expect(() => mandelbrot.merge([partResult], params)).toThrow(WorkloadParamsError);
    expect(() => mandelbrotImages({ range: part!.range!, bits: '' }, params)).toThrow(RangeError);
  });
});
