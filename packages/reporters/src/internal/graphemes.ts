// Text measured and cut by grapheme cluster (what a reader sees as one character), never by
// UTF-16 code unit: cutting between the halves of a surrogate pair or inside an emoji sequence
// leaves a lone surrogate that renders as U+FFFD.

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The grapheme clusters of `text`, in order. */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Number of grapheme clusters in `text`. */
export function graphemeLength(text: string): number {
  // Pure ASCII has one grapheme per code unit except for "\r\n"; skip the segmenter there.
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text) && !text.includes('\r\n')) return text.length;
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/**
 * `text` unchanged when it has at most `max` graphemes, else its first `max - 1` graphemes and
 * an ellipsis (at least one grapheme is kept).
 */
export function truncateGraphemes(text: string, max: number): string {
  if (graphemeLength(text) <= max) return text;
  return `${graphemes(text)
    .slice(0, Math.max(1, max - 1))
    .join('')}…`;
}
