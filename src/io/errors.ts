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

/** Fixed caps on a file's structure, beyond the per-load {@link LoadBudget}; far above any real model. */
export const LIMITS = Object.freeze({
  /** Entries in a zip archive. */
  zipEntries: 1000,
  /** Nesting of JSON arrays and objects (Keras configs nest about 10 deep). */
  jsonDepth: 100,
});
