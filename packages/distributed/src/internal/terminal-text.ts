// Text from job data (module names, job ids, error messages) reaches the operator's terminal
// through the weft-worker CLI. Control characters in it could move the cursor, clear the screen,
// set the window title (ANSI/OSC escapes), start a new line that looks like the worker's own, or
// reorder text (bidi controls): the CLI prints them escaped, as visible \x.. / \u.... sequences.

// C0 controls (tab and newline included: one printed line stays one line), DEL, C1 controls
// (0x9b is a one-byte CSI on some terminals), line and paragraph separators, bidi controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// What JSON.stringify leaves raw inside strings (it escapes C0 itself).
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function hex(c: string, width: 2 | 4): string {
  return c.charCodeAt(0).toString(16).padStart(width, '0');
}

/** `text` with every control character written as a visible escape (`\x1b`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) =>
    c.charCodeAt(0) <= 0xff ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`,
  );
}

/** One JSON line with no raw control character left in it (still valid JSON, same value). */
export function jsonLine(record: Record<string, unknown>): string {
  return JSON.stringify(record).replace(JSON_UNSAFE, (c) => `\\u${hex(c, 4)}`);
}
