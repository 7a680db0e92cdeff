/**
 * Strict options objects: every options object of the public API refuses keys it does not know, so a
 * misspelt option (`fit(x, y, { epoch: 3 })`) or a Python spelling (`kernel_initializer`) is an error
 * that names the key and the intended one, not a silently ignored argument. The list of known keys is
 * written once per options type, checked by the compiler against that type (`optionKeys`).
 */

import { InvalidArgumentError } from '../errors.js';

/** `kernel_initializer` → `kernelInitializer`. */
function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Levenshtein distance, capped: only near misses matter. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/**
 * The known key `key` most likely stands for, or null: a near miss (a typo, a plural, another letter case,
 * within a few edits), else the one known key that `key` begins (`interp` → `interpolation`) or that
 * begins `key` (`antialiasing` → `antialias`); several such keys are no guess.
 */
export function closestKey(key: string, known: readonly string[]): string | null {
  const lower = key.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = candidate.toLowerCase() === lower ? 0 : distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(1, Math.min(3, Math.floor(key.length / 3)));
  if (best !== null && bestDistance <= tolerance) return best;
  if (key.length < 3) return null;
  const prefixed = known.filter((candidate) => {
    const c = candidate.toLowerCase();
    return c.length >= 3 && (c.startsWith(lower) || lower.startsWith(c));
  });
  return prefixed.length === 1 ? prefixed[0] : null;
}

/**
 * Refuses any key of `options` outside `known`, before anything else happens. The error names the key,
 * the camelCase form of a snake_case key ("use camelCase: 'kernelInitializer'"), or the closest known key
 * ("did you mean 'epochs'?").
 *
 * @example
 * ```ts
 * checkOptionKeys({ epoch: 3 }, ['epochs', 'batchSize'], 'fit()'); // throws: did you mean 'epochs'?
 * ```
 */
export function checkOptionKeys(options: object, known: readonly string[], context: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const camel = camelCase(key);
    let hint: string;
    if (camel !== key && known.includes(camel)) hint = `use camelCase: '${camel}'`;
    else {
      const close = closestKey(key, known);
      hint = close !== null ? `did you mean '${close}'?` : known.length === 0 ? 'it takes no options' : `the options are ${known.map((k) => `'${k}'`).join(', ')}`;
    }
    throw new InvalidArgumentError(key, (options as Record<string, unknown>)[key], `no such option for ${context}; ${hint}`, context);
  }
}

/**
 * An options object (or nothing: `undefined` stands for "all defaults", unless `required`: some option has
 * no default) whose every key is among `known`:
 * anything else that is not a plain object (`sum(x, 1)`, `null`, an array) is refused too, naming
 * `options`, so a positional value is never read as "no options".
 *
 * @example
 * ```ts
 * checkOptions(options, FIT_OPTION_KEYS, 'fit()');
 * ```
 */
export function checkOptions(options: unknown, known: readonly string[], context: string, settings: { required?: boolean } = {}): void {
  if (options === undefined && !settings.required) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError('options', options, `an options object (${describeKeys(known)})`, context);
  }
  checkOptionKeys(options, known, context);
}

function describeKeys(known: readonly string[]): string {
  return known.length === 0 ? 'with no keys' : `with the keys ${known.map((k) => `'${k}'`).join(', ')}`;
}

/** Every key of `T`, or `never` when `K` lists them all: what {@link optionKeys} demands of its list. */
type Missing<T, K extends readonly PropertyKey[]> = Exclude<keyof T, K[number]>;

/**
 * The runtime list of an options type's keys, checked at compile time to name every key of `T` and
 * nothing else, so the TypeScript type and the strict check cannot drift apart.
 *
 * @example
 * ```ts
 * const FIT_KEYS = optionKeys<FitOptions>()(['epochs', 'batchSize', ...]); // a compile error if one is missing
 * ```
 */
export function optionKeys<T>() {
  return <const K extends readonly (keyof T & string)[]>(keys: K & (Missing<T, K> extends never ? unknown : { missingKeys: Missing<T, K> })): K =>
    keys;
}
