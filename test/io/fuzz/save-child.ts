/**
 * The process the kill test kills: saves the kill model to `<dir>/<target>` in `<format>` over and over,
 * alternating two sets of weights, after printing `saving` once the first save is complete.
 * Usage: node --import tsx save-child.ts <format> <dir>
 */

import * as path from 'node:path';
import { exportTfjs, ioReady, saveModelSync, saveWeightsSync } from '../../../src/io/index.js';
import type { KillFormat } from './kill-model.js';
import { killModel, killTarget } from './kill-model.js';

const [format, dir] = process.argv.slice(2) as [KillFormat, string];
// TF.js files need no HDF5: loading it would only delay the first save.
if (format !== 'TF.js') await ioReady();
const models = [killModel(1), killModel(2)];
const target = path.join(dir, killTarget(format));
const save = (i: number): void => {
  const model = models[i % 2];
  if (format === '.keras') saveModelSync(model, target);
  else if (format === '.weights.h5') saveWeightsSync(model, target);
  else exportTfjs(model, target);
};
save(0);
process.stdout.write('saving\n');
for (let i = 1; ; i++) save(i);
