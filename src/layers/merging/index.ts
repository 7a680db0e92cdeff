/** The merging layers: Add and Concatenate, with the shared elementwise `Merge` base. */
export { Merge } from './base-merge.js';
export { Add, layerAdd } from './add.js';
export type { AddOptions } from './add.js';
export { Concatenate, layerConcatenate } from './concatenate.js';
export type { ConcatenateOptions } from './concatenate.js';
