/** JSON from untrusted files: bounded in size and nesting before it is parsed, and checked for shape after. */

import type { LoadBudget } from './budget.js';
import { LIMITS, ModelFileError } from './errors.js';

/**
 * Whether UTF-8 JSON nests deeper than `max`, found by one scan of the bytes: V8 parses deep nesting
 * slowly (seconds for a few megabytes of brackets) and recursive walkers would overflow the stack on it.
 */
function nestsDeeper(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Parses JSON from untrusted bytes or text within the budget's size and a nesting cap, naming the file on failure. */
export function parseJson(file: string, what: string, source: Uint8Array | string, budget: LoadBudget): unknown {
  const bytes = typeof source === 'string' ? new TextEncoder().encode(source) : source;
  budget.checkConfigBytes(file, what, bytes.byteLength);
  if (nestsDeeper(bytes, LIMITS.jsonDepth)) throw new ModelFileError(file, `${what} nests arrays and objects more than ${LIMITS.jsonDepth} levels deep`);
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
