// Which live objects are shared primitives (for isSharedPrimitive), and which lock-like ones this
// thread knows, held weakly, so that markOwnerDead can find the locks a dead thread held.

// A registered symbol, not a module-local WeakSet, so that two copies of the package (say, a pool
// built against one version and an app using another) still recognise each other's primitives.
const BRAND = Symbol.for('weft.sync.shared-primitive');

/** Record a live shared-family instance. */
export function brand(instance: object): void {
  Object.defineProperty(instance, BRAND, { value: true });
}

/** Whether a value is a live shared-family instance. */
export function isBranded(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true
  );
}

interface Entry {
  readonly ref: WeakRef<object>;
  readonly mark: (instance: object, ownerTag: number) => boolean;
}

const locks = new Set<Entry>();
const collected = new FinalizationRegistry<Entry>((entry) => locks.delete(entry));

/** Remember a lock-like instance and how to mark it abandoned when `ownerTag`'s thread died. */
export function trackLock<T extends object>(
  instance: T,
  mark: (instance: T, ownerTag: number) => boolean,
): void {
  const entry: Entry = { ref: new WeakRef(instance), mark: mark as Entry['mark'] };
  locks.add(entry);
  collected.register(instance, entry);
}

/** Mark every known lock held by `ownerTag`'s thread; returns how many were marked. */
export function markAll(ownerTag: number): number {
  let marked = 0;
  for (const entry of locks) {
    const instance = entry.ref.deref();
    if (instance === undefined) {
      locks.delete(entry);
      continue;
    }
    if (entry.mark(instance, ownerTag)) marked++;
  }
  return marked;
}
