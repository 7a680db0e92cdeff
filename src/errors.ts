/**
 * Typed errors. Every validation error names the argument, the value received and what is allowed, so a
 * user can fix the call without reading our source.
 */

/** Renders a received value compactly for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  try {
    const json = JSON.stringify(value);
    if (json === undefined) return String(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return String(value);
  }
}

/** An argument whose value is not allowed. Thrown before any state changes. */
export class InvalidArgumentError extends Error {
  readonly argument: string;
  readonly received: unknown;
  readonly allowed: string;

  constructor(argument: string, received: unknown, allowed: string, context?: string) {
    const where = context ? `${context}: ` : '';
    super(`${where}invalid \`${argument}\`: received ${describeValue(received)}; expected ${allowed}.`);
    this.name = 'InvalidArgumentError';
    this.argument = argument;
    this.received = received;
    this.allowed = allowed;
  }
}

/** Tensors whose shapes do not fit the operation. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** A name (activation, initializer, layer class, ...) that is not known. */
export class UnknownNameError extends InvalidArgumentError {
  constructor(argument: string, received: unknown, known: readonly string[], context?: string) {
    super(argument, received, `one of ${known.map((k) => `'${k}'`).join(', ')}`, context);
    this.name = 'UnknownNameError';
  }
}

/**
 * A broken invariant inside the library (a bug, not a user error): kernels and their params assert what
 * the front end (ops, layer constructors) has already validated, and say so with this error rather than
 * re-validating user arguments with a second wording.
 */
export class InternalError extends Error {
  constructor(message: string) {
    super(`internal error (please report): ${message}`);
    this.name = 'InternalError';
  }
}

/** Throws an {@link InternalError} unless `condition` holds. */
export function assertInvariant(condition: boolean, message: () => string): asserts condition {
  if (!condition) throw new InternalError(message());
}
