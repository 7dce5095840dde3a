// How often to poll when polls keep missing: both of the pool's short polls (a thread worker's look
// at its port after its queue runs empty, worker-runner.ts; the main thread's look for a worker's
// replies after a send, reply-poll.ts) pay only when what they wait for comes within their window.
// After k misses in a row, the next 2^k - 1 chances to poll are skipped (at most MAX_REST); a hit
// makes every chance count again. So a caller whose tasks or gaps are longer than the window costs
// the polling thread about one window per 64 chances, and a quick one loses nothing.

/** Chances skipped at most after misses in a row. */
const MAX_REST = 63;

export class PollBackoff {
  /** Polls in a row that ended without what they waited for. */
  misses = 0;
  /** Chances still to skip before the next poll. */
  rest = 0;

  /** Whether to poll at this chance (a skipped chance counts the rest down). */
  shouldPoll(): boolean {
    if (this.rest === 0) return true;
    this.rest--;
    return false;
  }

  /** The poll found what it waited for. */
  hit(): void {
    this.misses = 0;
  }

  /** The poll's window ended without it. */
  miss(): void {
    this.misses++;
    this.rest = Math.min(2 ** this.misses - 1, MAX_REST);
  }
}
