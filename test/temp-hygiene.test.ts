/**
 * Test runs leave no temporary folders: tests make them only through test/helpers/temp-dir.ts, and that
 * helper removes every folder it made, whether the test passes, fails or leaves it to the process's end.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers/temp-dir.js';

const TEST_ROOT = fileURLToPath(new URL('.', import.meta.url));
const HELPER = path.join(TEST_ROOT, 'helpers', 'temp-dir.ts');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('temporary folders', () => {
  it('are made only through the helper', () => {
    const offenders = sources(TEST_ROOT).filter((file) => file !== HELPER && /\bmkdtemp(Sync)?\(|\btmpdir\(\)/.test(readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '')));
    // This file names the functions in its pattern only.
    assert.deepEqual(offenders.filter((f) => f !== fileURLToPath(import.meta.url)), []);
  });

  it('are all gone once a test process has exited, failed tests included', (t) => {
    // The child's temp directory is a folder of its own, so other test runs on this machine do not matter.
    const root = tempDir('depthwise-hygiene-', t);
    // NODE_TEST_CONTEXT would make the child report to this runner instead of printing its results.
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', path.join(TEST_ROOT, 'helpers', 'temp-dir-fixture.ts')], {
      encoding: 'utf8',
      env: { ...env, TMPDIR: root, TMP: root, TEMP: root },
      timeout: 60_000,
    });
    // The fixture has one failing test, so the run itself fails; the folders must go regardless.
    assert.match(child.stdout, /# pass 2/);
    assert.match(child.stdout, /# fail 1/);
    assert.deepEqual(readdirSync(root).filter((name) => name.startsWith('depthwise-io-')), []);
  });
});
