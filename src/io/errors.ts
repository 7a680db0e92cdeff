/** The one error every loader and saver throws: it names the file and says what is wrong with it. */

/**
 * A model file that cannot be read or written: truncated, corrupt, tampered with, of an unknown layer
 * class, or disagreeing with its own config. `file` is the path (or a label for in-memory bytes).
 *
 * @example
 * ```ts
 * try { await loadModel('model.keras'); } catch (e) { if (e instanceof ModelFileError) console.error(e.file, e.message); }
 * ```
 */
export class ModelFileError extends Error {
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.name = 'ModelFileError';
    this.file = file;
  }
}

/** Runs `fn`, re-throwing anything but a ModelFileError as one that names `file` and the step. */
export function withFileContext<T>(file: string, step: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw asFileError(file, step, error);
  }
}

export function asFileError(file: string, step: string, error: unknown): ModelFileError {
  if (error instanceof ModelFileError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ModelFileError(file, `${step}: ${message}`, { cause: error });
}

/** Hard caps on what an untrusted file may make us allocate; generous for real models, fatal for absurd ones. */
export const LIMITS = Object.freeze({
  /** Bytes of a whole model file we are willing to read. */
  fileBytes: 2 ** 31,
  /** Bytes of JSON (config.json, model.json, model_config attribute). */
  jsonBytes: 64 * 2 ** 20,
  /** Elements in a single weight. */
  weightElements: 2 ** 28,
  /** Layers in one model. */
  layers: 100_000,
  /** Entries in a zip archive. */
  zipEntries: 1000,
});

/** Parses JSON from untrusted bytes or text with a size cap, naming the file on failure. */
export function parseJson(file: string, what: string, source: Uint8Array | string): unknown {
  const size = typeof source === 'string' ? source.length : source.byteLength;
  if (size > LIMITS.jsonBytes) throw new ModelFileError(file, `${what} is ${size} bytes, more than the ${LIMITS.jsonBytes} allowed`);
  const text = typeof source === 'string' ? source : new TextDecoder('utf-8', { fatal: false }).decode(source);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ModelFileError(file, `${what} is not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** A plain JSON object (not null, not an array), or a clear error. */
export function expectObject(file: string, what: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelFileError(file, `${what} must be a JSON object, found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value as Record<string, unknown>;
}
