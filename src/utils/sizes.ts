/** How sizes read in error messages (allocation refusals, budgets), written once. */

/** A count in a message: plain up to a billion, then `1e12`. @example `formatCount(4e12, 1)` → `'4.0e12'` */
export function formatCount(n: number, digits?: number): string {
  return Number.isFinite(n) && Math.abs(n) >= 1e9 ? n.toExponential(digits).replace('e+', 'e') : String(n);
}

/** `4 GiB`, `64 MiB`, `1536 KiB` or bytes. @example `formatByteSize(2 ** 32)` → `'4 GiB'` */
export function formatByteSize(n: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} bytes`;
}
