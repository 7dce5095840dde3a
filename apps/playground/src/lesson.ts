// A lesson: the text that teaches one section (claim, what ran, verdict), said once and shown the
// same in the terminal and on the HTML page.
import type { ReportListing } from '@weft/reporters';
import type { ReportSection } from './experiment.js';
import type { Printer } from './print.js';
import { pythonListing, type PythonProgram } from './python-programs.js';

/** Collects a section's lesson while printing it to the terminal. */
export class Lesson {
  readonly #out: Printer;
  readonly #notes: string[] = [];
  readonly #listings: ReportListing[] = [];
  #verdict: string | undefined;

  /** Starts a lesson with its claim, printed at once. */
  constructor(out: Printer, claim: string) {
    this.#out = out;
    this.note(`The claim: ${claim}`);
  }

  /** A paragraph: what ran, or why the figures look as they do. */
  note(text: string): void {
    this.#out.why(text);
    this.#notes.push(text);
  }

  /** The Python program the claim is about, shown on the page; the terminal names its file. */
  python(program: PythonProgram, caption: string): void {
    this.#out.why(`${caption}: python/${program}.py (shown in the HTML report).`);
    this.#listings.push(pythonListing(program, caption));
  }

  /** The conclusion the measurement supports; computed by the caller from the figures. */
  verdict(text: string): void {
    this.#out.line();
    this.#out.why(`Verdict: ${text}`);
    this.#verdict = text;
  }

  /** The section for the report, with this lesson's text. */
  section(parts: Omit<ReportSection, 'notes' | 'listings' | 'verdict'>): ReportSection {
    return {
      ...parts,
      notes: [...this.#notes],
      listings: [...this.#listings],
      ...(this.#verdict === undefined ? {} : { verdict: this.#verdict }),
    };
  }
}
