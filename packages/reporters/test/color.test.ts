import { describe, expect, it } from 'vitest';
import { ReporterOptionsInvalidError, shouldUseColor } from '@weft/reporters';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('shouldUseColor()', () => {
  it.each<[string, { isTTY: boolean }, Record<string, string>, boolean]>([
    ['colours a TTY', tty, {}, true],
    ['does not colour a pipe', pipe, {}, false],
    ['never colours under NO_COLOR', tty, { NO_COLOR: '1' }, false],
    ['lets NO_COLOR win over FORCE_COLOR', tty, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
    ['ignores an empty NO_COLOR', tty, { NO_COLOR: '' }, true],
    ['colours a pipe under FORCE_COLOR', pipe, { FORCE_COLOR: '1' }, true],
    ['colours a pipe under an empty FORCE_COLOR', pipe, { FORCE_COLOR: '' }, true],
    ['does not colour a TTY under FORCE_COLOR=0', tty, { FORCE_COLOR: '0' }, false],
    ['does not colour a TTY under FORCE_COLOR=false', tty, { FORCE_COLOR: 'false' }, false],
    ['does not colour a dumb terminal', tty, { TERM: 'dumb' }, false],
  ])('%s', (_name, stream, env, expected) => {
    expect(shouldUseColor({ stream, env })).toBe(expected);
  });

  it.each<[string, unknown, string]>([
    ['options that are not an object', 'auto', 'options'],
    ['an env that is not an object', { env: null }, 'env'],
    ['a stream whose isTTY is not a boolean', { stream: { isTTY: 1 } }, 'stream.isTTY'],
  ])('rejects %s, naming the option', (_name, options, option) => {
    expect(() => shouldUseColor(options as never)).toThrow(ReporterOptionsInvalidError);
    expect(() => shouldUseColor(options as never)).toThrow(expect.objectContaining({ option }));
  });
});
