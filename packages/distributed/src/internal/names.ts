// Names shared by callers and workers on the queue's event stream.

/** Pub/sub channel on which callers ask workers to stop a running job (message: the job id). */
export function cancelChannel(prefix: string | undefined, queue: string): string {
  return `${prefix ?? 'bull'}:${queue}:weft:cancel`;
}

/** Abort reasons a worker gives BullMQ's per-job signal, to tell a cancel from a hand-back. */
export const REASON_CANCEL = 'weft:cancelled';
export const REASON_HANDBACK = 'weft:handback';
