/** The merging layers: Add and Concatenate, with the shared elementwise `Merge` base. */
export { Merge } from './base-merge.js';
export { Add, layerAdd } from './add.js';
export type { AddOptions } from './add.js';
export { Concatenate, layerConcatenate } from './concatenate.js';
export type { ConcatenateOptions } from './concatenate.js';
export { Average, Maximum, Minimum, Multiply, Subtract, layerAverage, layerMaximum, layerMinimum, layerMultiply, layerSubtract } from './elementwise-merges.js';
export type { MergeOptions } from './elementwise-merges.js';
export { Dot, layerDot } from './dot.js';
export type { DotOptions } from './dot.js';
