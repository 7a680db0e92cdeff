/**
 * How much memory one call adds to the process at its peak, where Linux lets a process reset its peak
 * resident size (writing 5 to /proc/self/clear_refs): the peak during the call less the resident size
 * before it. Elsewhere it reports 0, and callers assert only where `peakMemorySupported` is true.
 */

import { readFileSync, writeFileSync } from 'node:fs';

const statusMb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1024;

function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Whether {@link startMemoryWatch} measures anything on this system. */
export const peakMemorySupported = resetPeak();

/**
 * Starts a measurement; the returned function gives the MB added at the peak since. A collection first
 * (with --expose-gc) drops earlier garbage.
 *
 * @example
 * ```ts
 * const added = startMemoryWatch(); load(); assert.ok(added() < 200);
 * ```
 */
export function startMemoryWatch(): () => number {
  (globalThis as { gc?: () => void }).gc?.();
  if (!resetPeak()) return () => 0;
  const before = statusMb('VmRSS');
  return () => Math.max(0, statusMb('VmHWM') - before);
}
