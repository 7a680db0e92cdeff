/** Column name of this library's whole-model runs at `threads` threads. */
export function oursModelName(threads: number): string {
  return threads === 1 ? 'ours' : `ours-${threads}t`;
}
