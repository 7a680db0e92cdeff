/** Row gather by an index tensor and its scatter-add gradient (Embedding): the kernels on typed arrays. */
import type { DataArray } from '../../engine/dtype.js';
import type { FloatArray } from '../../engine/dtype.js';
import { gatherBackward, gatherForward } from './js.js';
import type { GatherParams } from './params.js';

export type { GatherParams } from './params.js';
export { resolveGatherParams, rowOf } from './params.js';

/** The gather slots of a kernel backend; outputs are caller-allocated. */
export interface GatherKernels {
  forward(p: GatherParams, table: FloatArray, indices: DataArray, out: FloatArray): void;
  backward(p: GatherParams, indices: DataArray, dy: FloatArray, dTable: FloatArray): void;
}

/**
 * The TypeScript gather kernels, for `KernelBackend.gather`.
 *
 * @example
 * ```ts
 * typescriptGatherKernels.forward(params, table, indices, out);
 * ```
 */
export const typescriptGatherKernels: GatherKernels = { forward: gatherForward, backward: gatherBackward };
