// Carries the running attempt's AbortSignal through async calls made by a task running inline.
import { AsyncLocalStorage } from 'node:async_hooks';

export const signalStorage: AsyncLocalStorage<AbortSignal> = new AsyncLocalStorage<AbortSignal>();
