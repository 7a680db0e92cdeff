/**
 * Deterministic release of tensor memory that is not garbage collected (WebAssembly linear memory).
 *
 * A scope records every disposable storage allocated while it is the innermost open scope. Ending it
 * frees them all except the storages of the tensors it is told to keep (a function's result), which
 * move to the enclosing scope. Training and prediction steps run in scopes, so a long `fit` frees each
 * step's activations and gradients as soon as the step ends; finalizers on the storages remain the
 * safety net for tensors created outside any scope.
 */

/** What a scope needs of a storage (see `storage.ts`): storages that are not garbage collected can be freed. */
export interface ScopedStorage {
  dispose?(): void;
}

interface DisposableStorage extends ScopedStorage {
  dispose(): void;
}

interface Scope {
  readonly tracked: Set<DisposableStorage>;
}

const scopes: Scope[] = [];

function isDisposable(storage: ScopedStorage): storage is DisposableStorage {
  return typeof storage.dispose === 'function';
}

/** @internal Called by `allocStorage` for every non-persistent storage. */
export function trackInScope(storage: ScopedStorage): void {
  const scope = scopes[scopes.length - 1];
  if (scope !== undefined && isDisposable(storage)) scope.tracked.add(storage);
}

/** @internal Frees `storage` when the innermost scope ends, or now when no scope is open. */
export function releaseAtScopeEnd(storage: ScopedStorage): void {
  if (!isDisposable(storage)) return;
  const scope = scopes[scopes.length - 1];
  if (scope !== undefined) scope.tracked.add(storage);
  else storage.dispose();
}

/** Opens a scope; pair with {@link endScope} (or use {@link tidy}). Returns its depth, for checking. */
export function beginScope(): number {
  scopes.push({ tracked: new Set() });
  return scopes.length;
}

/** Something that holds storages: tensors expose theirs through this hook (see `Tensor`). */
export interface HoldsStorage {
  /** @internal */
  readonly storageHandle: ScopedStorage;
  /** @internal Copies the elements to the JavaScript heap and holds the copy instead; false if it cannot. */
  moveToHeap(): boolean;
}

function holdsStorage(value: unknown): value is HoldsStorage {
  return typeof value === 'object' && value !== null && 'storageHandle' in value;
}

/** The holders reachable from `value` (tensors inside arrays, maps and plain objects), by storage. */
function collectKept(value: unknown, into: Map<ScopedStorage, HoldsStorage[]>, seen: Set<unknown>): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (holdsStorage(value)) {
    const holders = into.get(value.storageHandle) ?? [];
    holders.push(value);
    into.set(value.storageHandle, holders);
    return;
  }
  if (ArrayBuffer.isView(value)) return;
  const items = Array.isArray(value) ? value : value instanceof Map ? [...value.values()] : Object.values(value);
  for (const item of items) collectKept(item, into, seen);
}

/**
 * Closes the innermost scope: frees what it allocated except the storages reachable from `keep`
 * (tensors, arrays and plain objects of them). An enclosing scope takes those over; when the scope was
 * the outermost, they leave backend memory for the JavaScript heap, where the garbage collector
 * reclaims them (see `allocStorage`: outside every scope, tensors live on the heap).
 */
export function endScope(depth: number, keep?: unknown): void {
  if (scopes.length !== depth) {
    throw new Error(`endScope: scope ${depth} is not the innermost open scope (${scopes.length} open)`);
  }
  const scope = scopes.pop() as Scope;
  const kept = new Map<ScopedStorage, HoldsStorage[]>();
  collectKept(keep, kept, new Set());
  const parent = scopes[scopes.length - 1];
  for (const storage of scope.tracked) {
    const holders = kept.get(storage);
    if (holders === undefined) storage.dispose();
    else if (parent !== undefined) parent.tracked.add(storage);
    // Every holder moved to the heap: nothing refers to the block any more.
    else if (holders.map((h) => h.moveToHeap()).every(Boolean)) storage.dispose();
  }
}

/**
 * Runs `fn` in a scope: every tensor it allocates in backend memory is freed when it returns, except
 * the tensors in its result (which, from the outermost scope, move to the JavaScript heap). Like
 * TensorFlow.js's `tf.tidy`.
 *
 * @example
 * ```ts
 * const y = tidy(() => relu(add(matmul(x, w), b))); // the matmul and add outputs are freed here
 * ```
 */
export function tidy<T>(fn: () => T): T {
  const depth = beginScope();
  let result: T;
  try {
    result = fn();
  } catch (error) {
    endScope(depth);
    throw error;
  }
  endScope(depth, result);
  return result;
}

/** Removes `storage` from every open scope, so only `dispose()` or its finalizer frees it. */
export function untrack(storage: ScopedStorage): void {
  for (const scope of scopes) scope.tracked.delete(storage as DisposableStorage);
}

/** Open scopes (for tests and diagnostics). */
export function scopeDepth(): number {
  return scopes.length;
}
