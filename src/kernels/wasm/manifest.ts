/**
 * The kernel manifest: every WebAssembly kernel variant, one table. Like XNNPACK's ukernel lists, it is
 * the single description that the rest reads:
 *
 * - selection: the wrappers (`depthwise-conv2d.ts`, `gemm.ts`, `conv2d.ts`, `conv.ts`, `activations.ts`,
 *   `batch-norm.ts`, `pool2d.ts`, `resize.ts`, `movement.ts`) pick a variant with `selectVariant`, the
 *   first entry of an op whose predicate holds, and pass what it says (a path code, the direct-B flag)
 *   to the export, which only dispatches;
 * - tests: `test/helpers/kernel-conformance.ts` generates cases around each entry's boundaries, and a test
 *   requires every entry to have been selected by the conformance cases;
 * - benchmarks: `npm run bench` times every entry's example (`bench/variants.ts`).
 *
 * Each selection is counted (`variantSelections`), which is how the tests know what ran.
 */
import type { ActivationVariant, BatchNormVariant, GemmVariant } from './manifest-gemm.js';
import { ACTIVATION_VARIANTS, BATCH_NORM_VARIANTS, GEMM_VARIANTS } from './manifest-gemm.js';
import type { ConvVariant } from './manifest-conv.js';
import { CONV_VARIANTS } from './manifest-conv.js';
import type { ConvNdVariant } from './manifest-conv3d.js';
import { CONV_ND_VARIANTS } from './manifest-conv3d.js';
import type { MovementVariant, Pool2dVariant, ReduceVariant, ResizeVariant } from './manifest-image.js';
import { IMAGE_VARIANTS } from './manifest-image.js';
import type { DepthwiseVariant } from './manifest-depthwise.js';
import { DEPTHWISE_VARIANTS } from './manifest-depthwise.js';

export type { DepthwiseExample, DepthwiseGeometry, DepthwiseOp, DepthwiseVariant } from './manifest-depthwise.js';
export { isTiled, tiledChannelsMin } from './manifest-depthwise.js';
export type { ActivationCall, ActivationVariant, BatchNormCall, BatchNormVariant, GemmShape, GemmVariant } from './manifest-gemm.js';
export { splitsColumns, usesDirectB } from './manifest-gemm.js';
export type { ConvOp, ConvVariant } from './manifest-conv.js';
export { isDepthwiseGrouped, isIm2colNhwc, isPointwiseNhwc } from './manifest-conv.js';
export type { ConvNdOp, ConvNdVariant } from './manifest-conv3d.js';
export { isIm2colConv } from './manifest-conv3d.js';
export type { MoveCall, MoveOp, MovementVariant, Pool2dVariant, PoolOp, ReduceVariant, ResizeOp, ResizeVariant } from './manifest-image.js';

/** Any entry of the manifest. */
export type KernelVariant =
  | DepthwiseVariant
  | GemmVariant
  | ConvVariant
  | ConvNdVariant
  | ActivationVariant
  | BatchNormVariant
  | Pool2dVariant
  | ResizeVariant
  | MovementVariant
  | ReduceVariant;

/**
 * Every variant of every kernel family.
 *
 * @example
 * ```ts
 * for (const v of KERNEL_MANIFEST) console.log(v.name, v.export);
 * // f32 dwconv 3x3 channel-tiled s1 nhwc wasmsimd forwardNhwc ...
 * ```
 */
export const KERNEL_MANIFEST: readonly KernelVariant[] = [
  ...DEPTHWISE_VARIANTS, ...GEMM_VARIANTS, ...CONV_VARIANTS, ...CONV_ND_VARIANTS, ...ACTIVATION_VARIANTS, ...BATCH_NORM_VARIANTS, ...IMAGE_VARIANTS,
];

const selections = new Map<string, number>();

/**
 * The first of `variants` whose predicate holds for `g`, counted. The wrappers call it with the entries
 * of one op (`variantsOf`); a geometry no entry covers is a bug in the manifest, reported by name.
 */
export function selectVariant<G, V extends { readonly name: string; selects(g: G): boolean }>(variants: readonly V[], g: G, what: string): V {
  for (const v of variants) {
    if (v.selects(g)) {
      selections.set(v.name, (selections.get(v.name) ?? 0) + 1);
      return v;
    }
  }
  throw new Error(`kernel manifest: no ${what} variant for ${JSON.stringify(g)}`);
}

/**
 * Whether `variant` runs for `g` (for entries that apply alongside others, such as the layout passes),
 * counted like a selection when it does.
 */
export function usesVariant<G>(variant: { readonly name: string; selects(g: G): boolean }, g: G): boolean {
  if (!variant.selects(g)) return false;
  selections.set(variant.name, (selections.get(variant.name) ?? 0) + 1);
  return true;
}

/** The entries of one family and op, in manifest order (the order `selectVariant` tries them). */
export function variantsOf<V extends KernelVariant>(family: V['family'], op: V['op']): V[] {
  return KERNEL_MANIFEST.filter((v): v is V => v.family === family && v.op === op);
}

/** How often each variant was selected since the last reset (the conformance tests' coverage check). */
export function variantSelections(): ReadonlyMap<string, number> {
  return new Map(selections);
}

export function resetVariantSelections(): void {
  selections.clear();
}
