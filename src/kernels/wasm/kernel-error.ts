/**
 * What a WebAssembly trap inside a kernel becomes. A trap (`WebAssembly.RuntimeError`: divide by zero,
 * memory access out of bounds, unreachable) names neither the op nor its shapes, and one inside a worker
 * thread arrives only as text; so every runner converts it into a `KernelTrapError` that names the op,
 * the export, the thread, and the shapes and params (from the call's `KernelContext`), with the original
 * error as `cause`. Errors that are not traps (a RangeError from the allocator, say) pass through as they are.
 */

/** The op a kernel call serves, described for error messages. */
export interface KernelContext {
  /** The op and pass, e.g. `depthwiseConv2d forward`. */
  readonly op: string;
  /** Shapes and params, e.g. `x [1,8,8,3], strides [2,2]`; computed only when an error is reported. */
  describe(): string;
}

/**
 * A WebAssembly trap in a kernel, named.
 *
 * @example
 * ```ts
 * try {
 *   backend.depthwiseConv2d.forward(badParams, x, kernel, null, out);
 * } catch (e) {
 *   if (e instanceof KernelTrapError) console.log(e.op, e.exportName, e.cause);
 * }
 * ```
 */
export class KernelTrapError extends Error {
  override readonly name = 'KernelTrapError';
  /** The op (`KernelContext.op`), or null when the caller gave none. */
  readonly op: string | null;
  /** The export that trapped. */
  readonly exportName: string;
  /** Where it trapped. */
  readonly thread: 'calling thread' | 'worker thread';
  /** The trap's own message, e.g. `divide by zero`. */
  readonly reason: string;

  constructor(exportName: string, reason: string, thread: KernelTrapError['thread'], context: KernelContext | undefined, cause: unknown) {
    const what = context === undefined ? `wasm kernel \`${exportName}\`` : `${context.op} wasm kernel`;
    const on = context === undefined ? '' : ` on ${describeSafely(context)}`;
    const where = context === undefined ? ` in a ${thread}` : ` (export \`${exportName}\`, ${thread})`;
    super(`${what} trapped (${reason})${on}${where}`, { cause });
    this.op = context?.op ?? null;
    this.exportName = exportName;
    this.thread = thread;
    this.reason = reason;
  }
}

function describeSafely(context: KernelContext): string {
  try {
    return context.describe();
  } catch (e) {
    return `(params not describable: ${String(e)})`;
  }
}

/** `error` as thrown by an export on the calling thread: a trap becomes a `KernelTrapError`, anything else is returned as is. */
export function trapError(error: unknown, exportName: string, context: KernelContext | undefined): unknown {
  if (!(error instanceof WebAssembly.RuntimeError)) return error;
  return new KernelTrapError(exportName, error.message, 'calling thread', context, error);
}

/**
 * The error for a failure a worker reported as text (its error's stack, first line `Name: message`).
 * The cause carries that text, since the original object stayed in the worker.
 */
export function workerTrapError(text: string, exportName: string, context: KernelContext | undefined): KernelTrapError {
  const first = text.split('\n', 1)[0];
  const reason = first.replace(/^(?:RuntimeError|Error|[A-Za-z]+Error): /, '');
  const cause = new Error(text);
  cause.name = /^([A-Za-z]+Error):/.exec(first)?.[1] ?? 'Error';
  return new KernelTrapError(exportName, reason, 'worker thread', context, cause);
}

/** `[1,8,8,3]`. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
