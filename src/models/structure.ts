/**
 * Keras's nested structures for a model's inputs and outputs: one tensor, an array, or a dict by name.
 * A model keeps its structure so that calls, `predict` and training take and give data in the shape the
 * model was defined with.
 */

import { InvalidArgumentError } from '../errors.js';

/**
 * How a model's inputs (or outputs) were given: one, a list, or a dict. A dict's `keys` are sorted, the order
 * its values are flattened in (Keras 3's `tree.flatten` sorts dict keys), and `given` keeps the order the
 * user wrote them in, which Keras's config keeps.
 */
export type Structure =
  | { readonly kind: 'single' }
  | { readonly kind: 'list' }
  | { readonly kind: 'dict'; readonly keys: readonly string[]; readonly given?: readonly string[] };

/** Keras's (Python's) order of dict keys when flattening: sorted by code point. */
export function sortedKeys(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** One value, an array of them, or a dict of them by name. */
export type Nested<T> = T | readonly T[] | Readonly<Record<string, T>>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * The leaves of a structure in order and the structure itself; each leaf must pass `isLeaf` (named
 * `argument` in the error otherwise).
 */
export function flatten<T>(value: unknown, isLeaf: (v: unknown) => v is T, argument: string, allowed: string, context: string): { leaves: T[]; structure: Structure } {
  if (isLeaf(value)) return { leaves: [value], structure: { kind: 'single' } };
  if (Array.isArray(value) && value.length > 0 && value.every(isLeaf)) return { leaves: [...value], structure: { kind: 'list' } };
  if (isPlainObject(value)) {
    const given = Object.keys(value);
    const keys = sortedKeys(given);
    if (keys.length > 0 && keys.every((k) => isLeaf(value[k]))) return { leaves: keys.map((k) => value[k] as T), structure: { kind: 'dict', keys, given } };
  }
  throw new InvalidArgumentError(argument, value, `${allowed}, a non-empty array of them, or an object of them by name`, context);
}

/** The leaves of `value` in the order of `structure`: a dict is read by key, a list by position; `names` (the inputs' names) also key a dict given for a list. */
export function leavesFor<T>(
  value: unknown,
  structure: Structure,
  count: number,
  names: readonly string[],
  isLeaf: (v: unknown) => v is T,
  argument: string,
  context: string,
): T[] {
  const wanted = structure.kind === 'dict' ? structure.keys : names;
  if (isLeaf(value)) {
    if (count === 1) return [value];
  } else if (Array.isArray(value)) {
    if (value.length === count && value.every(isLeaf)) return [...value];
  } else if (isPlainObject(value)) {
    const missing = wanted.filter((k) => !isLeaf(value[k]));
    const extra = Object.keys(value).filter((k) => !wanted.includes(k));
    if (missing.length === 0 && extra.length === 0) return wanted.map((k) => value[k] as T);
    throw new InvalidArgumentError(argument, Object.keys(value), `an object with exactly the keys ${wanted.map((k) => `'${k}'`).join(', ')}${missing.length ? ` (missing ${missing.join(', ')})` : ''}`, context);
  }
  const expected = count === 1 ? 'one tensor' : `${count} tensors, as an array in order or an object keyed ${wanted.map((k) => `'${k}'`).join(', ')}`;
  throw new InvalidArgumentError(argument, value, expected, context);
}

/**
 * `leaves` (in flat, sorted-key order) put back in `structure`; a dict's keys come in the order written, as
 * Keras's `pack_sequence_as` gives them (model.input/output, calls), or sorted (`predict`, which Keras
 * repacks from a flat list).
 */
export function unflatten<T>(leaves: readonly T[], structure: Structure, keyOrder: 'given' | 'sorted' = 'given'): T | T[] | Record<string, T> {
  if (structure.kind === 'single') return leaves[0];
  if (structure.kind === 'list') return [...leaves];
  const byKey = new Map(structure.keys.map((k, i) => [k, leaves[i]]));
  const order = keyOrder === 'given' ? (structure.given ?? structure.keys) : structure.keys;
  return Object.fromEntries(order.map((k) => [k, byKey.get(k) as T]));
}
