/** Helpers for parameterised tests. */

/** One case of a {@link product}: each key takes one of the values listed for it. */
export type ProductCase<S extends Record<string, readonly unknown[]>> = { [K in keyof S]: S[K][number] };

/**
 * Typed cartesian product: `product({ a: [1, 2], b: ['x'] })` →
 * `[{ a: 1, b: 'x' }, { a: 2, b: 'x' }]`. The first key varies slowest, so cases sharing a leading
 * value stay adjacent in test output. An empty list for any key yields no cases.
 */
export function product<const S extends Record<string, readonly unknown[]>>(spec: S): Array<ProductCase<S>> {
  let cases: Array<Record<string, unknown>> = [{}];
  for (const [key, values] of Object.entries(spec)) {
    const next: Array<Record<string, unknown>> = [];
    for (const partial of cases) for (const value of values) next.push({ ...partial, [key]: value });
    cases = next;
  }
  return cases as Array<ProductCase<S>>;
}

function renderValue(value: unknown): string {
  // Arrays are shapes/strides/kernel sizes here, which read best as `3x3`.
  if (Array.isArray(value)) return value.map(renderValue).join('x');
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `{${caseName(value as Record<string, unknown>)}}`;
  return String(value);
}

/** Renders a case compactly for a test title: `k=3x3 s=1x2 padding=same`. */
export function caseName(obj: Readonly<Record<string, unknown>>): string {
  return Object.entries(obj)
    .map(([key, value]) => `${key}=${renderValue(value)}`)
    .join(' ');
}
