/**
 * Saves killed at random moments (SIGKILL to a child process saving over and over): the file left always
 * loads, as the old model or the new one; the next save of the same path leaves no temporary file or
 * orphaned TF.js shard; and TF.js saves are atomic as a pair. `npm run fuzz -- --kills N` kills more.
 */

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ioReady } from '../../src/io/index.js';
import { runKills } from './fuzz/kills.js';

before(async () => {
  await ioReady();
});

describe('saves killed mid-way', { timeout: 180_000 }, () => {
  it('24 kills per format: every file left loads, and the next save leaves nothing behind', async () => {
    const figures = await runKills({ seed: 12, kills: 24, concurrency: 3 });
    assert.deepEqual(figures.map((f) => f.format), ['.keras', '.weights.h5', 'TF.js']);
    for (const f of figures) {
      assert.equal(f.kills, 24);
      assert.deepEqual(f.unloadable, [], `${f.format}: a kill left a file that does not load`);
      assert.deepEqual(f.leftAfterNextSave, [], `${f.format}: the next save left files behind`);
    }
    // The kills landed inside saves: some left a temporary file (or an orphaned shard) for the next save to remove.
    assert.ok(figures.reduce((n, f) => n + f.leftByKill, 0) >= 6, `only ${figures.map((f) => f.leftByKill).join('/')} kills interrupted a save`);
  });
});
