/**
 * Run as a child by test/temp-hygiene.test.ts: folders made through the helper in every way a test can,
 * including a test that fails after making one, must all be gone when this process has exited.
 */

import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { tempDir } from './temp-dir.js';

it('a folder removed after its test', (t) => {
  writeFileSync(path.join(tempDir('depthwise-io-', t), 'model.keras'), 'x');
});

it('a folder removed when the process exits', () => {
  writeFileSync(path.join(tempDir(), 'model.keras'), 'x');
});

it('a folder made by a test that then fails', () => {
  tempDir();
  throw new Error('this test fails on purpose');
});
