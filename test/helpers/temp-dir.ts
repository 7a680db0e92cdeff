/**
 * Temporary folders for tests. Every folder made here is removed when the test process exits (each test
 * file runs in its own process), and earlier when a test passes its context, so a run leaves nothing in
 * the OS temp directory. Tests make temporary folders only through this helper: test/temp-hygiene.test.ts
 * checks both.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const created = new Set<string>();

function remove(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  created.delete(dir);
}

process.on('exit', () => {
  for (const dir of created) remove(dir);
});

/**
 * A new empty folder in the OS temp directory (`<prefix>XXXXXX`), removed after the test `t` when given,
 * else when the process exits.
 *
 * @example
 * ```ts
 * it('saves', (t) => { const file = path.join(tempDir('depthwise-io-', t), 'm.keras'); ... });
 * ```
 */
export function tempDir(prefix = 'depthwise-io-', t?: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  created.add(dir);
  t?.after(() => remove(dir));
  return dir;
}
