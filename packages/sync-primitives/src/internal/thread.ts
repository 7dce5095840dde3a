// The calling thread's identity, stored in shared words as `threadId + 1` so that 0 means "nobody".
import { threadId } from 'node:worker_threads';

/** `threadId` of the calling thread (0 on the main thread). */
export const THREAD_ID: number = threadId;
/** The value this thread writes into an owner word. */
export const OWNER_TAG: number = threadId + 1;
