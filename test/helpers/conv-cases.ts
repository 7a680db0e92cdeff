/**
 * The one convolution test harness: cases over rank × strides × dilation × padding × data format ×
 * groups / depth multiplier × dtype (grouped and depthwise convolutions being one family), and the check
 * that runs every kernel of a case against the naive rank-generic reference: the TypeScript loops on
 * `ConvParams`, the 2D slots' TypeScript kernels on the params derived from them (ranks 1 and 2, so the
 * derivation is covered too), and the WebAssembly backend's 2D slots (float32), plus, in float64, the
 * adjoint identities and central differences.
 */
import assert from 'node:assert/strict';

import type { FloatArray } from '../../src/engine/dtype.js';
import type { ConvParams, DataFormat, ExplicitPadding, Padding, SpatialRank } from '../../src/kernels/conv/index.js';
import { convBackwardBias, convBackwardInput, convBackwardKernel, convForward, convSizes, resolveConvParams, resolveDepthwiseConvParams } from '../../src/kernels/conv/index.js';
import { referenceConv, referenceConvBackwardBias, referenceConvBackwardInput, referenceConvBackwardKernel } from '../../src/kernels/conv/reference.js';
import { conv2dParamsOf, typescriptConv2dKernels } from '../../src/kernels/conv2d/index.js';
import { depthwiseConv2dParamsOf, typescriptDepthwiseConv2dKernels } from '../../src/kernels/depthwise-conv2d/index.js';
import type { ConvolutionKernels } from '../../src/kernels/convolution-kernels.js';
import { assertAllClose } from './close.js';
import type { Dtype } from './kernel-arrays.js';
import { alloc, dot, random, sumAbsProducts, tolerance } from './kernel-arrays.js';
import { wasmBackend } from './kernel-conformance.js';
import { product } from './product.js';
import { mulberry32 } from './close.js';

/** One convolution to check: the geometry (channels-last order whatever the format) and the options. */
export interface ConvCase {
  rank: SpatialRank;
  /** `[batch, ...spatial, channels]`. */
  input: readonly number[];
  kernel: readonly number[];
  strides: readonly number[];
  dilation: readonly number[];
  padding: Padding | ExplicitPadding;
  dataFormat: DataFormat;
  /** A grouped convolution with `groups`, or a depthwise one with `depthMultiplier`. */
  kind: 'grouped' | 'depthwise';
  /** Grouped: the group count; depthwise: the depth multiplier. */
  multiplicity: number;
  filters: number;
  dtype: Dtype;
}

const dilated = (k: number, d: number) => (k - 1) * d + 1;

/** Input geometries per rank (channels last); cycled through the grid so every option meets several. */
const GEOMETRIES: Record<SpatialRank, readonly (readonly number[])[]> = {
  1: [[2, 7, 4], [1, 1, 8], [1, 9, 4], [2, 4, 8], [1, 2, 4]],
  2: [[1, 5, 1, 4], [2, 6, 7, 4], [1, 7, 5, 8], [2, 4, 5, 4], [1, 2, 2, 4], [2, 1, 4, 8]],
  3: [[1, 3, 4, 5, 4], [2, 2, 3, 3, 4], [1, 4, 1, 3, 8], [1, 1, 4, 4, 4], [1, 3, 2, 2, 8]],
};

const KERNELS: Record<SpatialRank, readonly (readonly number[])[]> = {
  1: [[1], [3], [5]],
  2: [[1, 1], [3, 3], [2, 3]],
  3: [[1, 1, 1], [3, 3, 3], [2, 3, 1]],
};

/** Strides and dilation per axis: all 1, all 2, and mixed; never a stride and a dilation both > 1. */
function windows(rank: SpatialRank): { strides: number[]; dilation: number[] }[] {
  const ones = new Array<number>(rank).fill(1);
  const twos = new Array<number>(rank).fill(2);
  const mixed = ones.map((_, i) => (i === rank - 1 ? 2 : 1));
  return [
    { strides: ones, dilation: ones },
    { strides: twos, dilation: ones },
    { strides: ones, dilation: twos },
    { strides: mixed, dilation: ones },
    { strides: ones, dilation: mixed },
  ];
}

/**
 * The grid: every rank, kernel, stride/dilation window, padding, data format, grouping (groups 1, 2 and
 * C; depth multiplier 1, 2, 3) and dtype, with geometries cycled and 'valid' inputs grown to fit.
 */
export function convGrid(): ConvCase[] {
  const cases: ConvCase[] = [];
  for (const rank of [1, 2, 3] as const) {
    const grid = product({
      kernel: KERNELS[rank],
      window: windows(rank),
      padding: ['valid', 'same'] as Padding[],
      dataFormat: ['channels_last', 'channels_first'] as DataFormat[],
      grouping: ['g1', 'g2', 'gC', 'dm1', 'dm2', 'dm3'] as const,
      dtype: ['float32', 'float64'] as Dtype[],
    });
    grid.forEach((c, i) => {
      const geometry = GEOMETRIES[rank][i % GEOMETRIES[rank].length];
      const channels = geometry[rank + 1];
      const spatial = geometry.slice(1, rank + 1).map((n, a) => (c.padding === 'valid' ? Math.max(n, dilated(c.kernel[a], c.window.dilation[a])) : n));
      const depthwise = c.grouping.startsWith('dm');
      const multiplicity = c.grouping === 'g1' ? 1 : c.grouping === 'g2' ? 2 : c.grouping === 'gC' ? channels : Number(c.grouping.slice(2));
      const filters = depthwise ? channels * multiplicity : multiplicity === 1 ? [3, 5, 8][i % 3] : multiplicity * [1, 2, 3][i % 3];
      cases.push({
        rank,
        input: [geometry[0], ...spatial, channels],
        kernel: c.kernel,
        strides: c.window.strides,
        dilation: c.window.dilation,
        padding: c.padding,
        dataFormat: c.dataFormat,
        kind: depthwise ? 'depthwise' : 'grouped',
        multiplicity,
        filters,
        dtype: c.dtype,
      });
    });
  }
  return cases;
}

/** The input shape of a case in its data format. */
export function inputShapeOf(c: Pick<ConvCase, 'input' | 'dataFormat'>): number[] {
  const [n, ...rest] = c.input;
  const channels = rest[rest.length - 1];
  return c.dataFormat === 'channels_last' ? [...c.input] : [n, channels, ...rest.slice(0, -1)];
}

/** Resolves a case's params the way the ops do (grouped, or depthwise through its own kernel layout). */
export function paramsOf(c: ConvCase): ConvParams {
  const options = { strides: c.strides, dilationRate: c.dilation, padding: c.padding, dataFormat: c.dataFormat };
  const channels = c.input[c.input.length - 1];
  if (c.kind === 'depthwise') return resolveDepthwiseConvParams(inputShapeOf(c), [...c.kernel, channels, c.multiplicity], options);
  return resolveConvParams(inputShapeOf(c), [...c.kernel, channels / c.multiplicity, c.filters], { ...options, groups: c.multiplicity });
}

/** The four outputs of one kernel implementation on a case's data. */
interface Results {
  y: FloatArray;
  yNoBias: FloatArray;
  dx: FloatArray;
  dk: FloatArray;
  db: FloatArray;
}

function run<P>(kernels: ConvolutionKernels<P>, p: P, sizes: ReturnType<typeof convSizes>, dtype: Dtype, data: { x: FloatArray; k: FloatArray; b: FloatArray; dy: FloatArray }): Results {
  const y = alloc(dtype, sizes.output);
  kernels.forward(p, data.x, data.k, data.b, y);
  const yNoBias = alloc(dtype, sizes.output);
  kernels.forward(p, data.x, data.k, null, yNoBias);
  const dx = alloc(dtype, sizes.input);
  kernels.backwardInput(p, data.dy, data.k, dx);
  const dk = alloc(dtype, sizes.kernel);
  kernels.backwardKernel(p, data.x, data.dy, dk);
  const db = alloc(dtype, sizes.bias);
  kernels.backwardBias(p, data.dy, db);
  return { y, yNoBias, dx, dk, db };
}

const GENERIC: ConvolutionKernels<ConvParams> = { forward: convForward, backwardInput: convBackwardInput, backwardKernel: convBackwardKernel, backwardBias: convBackwardBias };

/** Every implementation of a case's slot, by name (the 2D ones on the params derived for them). */
function implementations(c: ConvCase, p: ConvParams): [string, (data: Parameters<typeof run>[4]) => Results][] {
  const sizes = convSizes(p);
  const list: [string, (data: Parameters<typeof run>[4]) => Results][] = [['typescript conv', (d) => run(GENERIC, p, sizes, c.dtype, d)]];
  if (p.rank === 3) return list;
  if (c.kind === 'depthwise') {
    const p2 = depthwiseConv2dParamsOf(p);
    list.push(['typescript depthwiseConv2d slot', (d) => run(typescriptDepthwiseConv2dKernels, p2, sizes, c.dtype, d)]);
    list.push(['wasm depthwiseConv2d slot', (d) => run(wasmBackend().depthwiseConv2d, p2, sizes, c.dtype, d)]);
  } else {
    const p2 = conv2dParamsOf(p);
    list.push(['typescript conv2d slot', (d) => run(typescriptConv2dKernels, p2, sizes, c.dtype, d)]);
    list.push(['wasm conv2d slot', (d) => run(wasmBackend().conv2d, p2, sizes, c.dtype, d)]);
  }
  return list;
}

function sampleIndices(n: number, count: number, rng: () => number): number[] {
  const picked = new Set<number>([0, n - 1]);
  while (picked.size < Math.min(n, count)) picked.add(Math.floor(rng() * n));
  return [...picked];
}

/** Central differences of the (affine in each argument) objective: exact up to rounding for a big step. */
function checkFiniteDifferences(label: string, v: Float64Array, analytic: ArrayLike<number>, f: () => number, rng: () => number): void {
  const h = 0.5;
  for (const i of sampleIndices(v.length, 5, rng)) {
    const saved = v[i];
    v[i] = saved + h;
    const plus = f();
    v[i] = saved - h;
    const minus = f();
    v[i] = saved;
    assertAllClose([analytic[i]], [(plus - minus) / (2 * h)], { rtol: 1e-9, atol: 1e-9 }, `${label}[${i}] vs finite differences`);
  }
}

/**
 * Checks every kernel of `c` against the reference (forward with and without bias, the three gradients),
 * that the TypeScript 2D slots give the generic loops' bits exactly, and, in float64, the adjoint
 * identities and central differences.
 */
export function checkConvCase(c: ConvCase, seed: number): void {
  const rng = mulberry32(seed);
  const p = paramsOf(c);
  const sizes = convSizes(p);
  const taps = p.kernelSize.reduce((a, b) => a * b, 1);
  const pixels = sizes.output / p.outChannels;
  const data = { x: random(c.dtype, sizes.input, rng), k: random(c.dtype, sizes.kernel, rng), b: random(c.dtype, sizes.bias, rng), dy: random(c.dtype, sizes.output, rng) };
  const expected = {
    y: referenceConv(p, data.x, data.k, data.b),
    yNoBias: referenceConv(p, data.x, data.k, null),
    dx: referenceConvBackwardInput(p, data.dy, data.k),
    dk: referenceConvBackwardKernel(p, data.x, data.dy),
    db: referenceConvBackwardBias(p, data.dy),
  };
  const terms = { y: taps * p.inChannelsPerGroup + 1, dx: taps * p.outChannelsPerGroup, dk: pixels, db: pixels };
  let generic: Results | null = null;
  for (const [name, compute] of implementations(c, p)) {
    const r = compute(data);
    assertAllClose(r.y, expected.y, tolerance(c.dtype, terms.y), `${name}: forward`);
    assertAllClose(r.yNoBias, expected.yNoBias, tolerance(c.dtype, terms.y), `${name}: forward (no bias)`);
    assertAllClose(r.dx, expected.dx, tolerance(c.dtype, terms.dx), `${name}: backward input`);
    assertAllClose(r.dk, expected.dk, tolerance(c.dtype, terms.dk), `${name}: backward kernel`);
    assertAllClose(r.db, expected.db, tolerance(c.dtype, terms.db), `${name}: backward bias`);
    if (generic === null) generic = r;
    else if (name.startsWith('typescript')) {
      // The 2D slots run the same loops on derived params: the same bits.
      for (const key of ['y', 'dx', 'dk', 'db'] as const) assert.deepEqual(r[key], generic[key], `${name}: ${key} differs from the generic loops`);
    }
  }
  if (c.dtype !== 'float64' || generic === null) return;
  const [x64, k64, b64] = [data.x, data.k, data.b] as Float64Array[];
  // Adjoint identities: the backward passes are the transposes of the bilinear forward pass.
  const lhs = dot(generic.yNoBias, data.dy);
  const scale = sumAbsProducts(generic.yNoBias, data.dy) + 1;
  assert.ok(Math.abs(lhs - dot(data.x, generic.dx)) <= 1e-12 * scale, `<conv(x,k), dy> = ${lhs} vs <x, dx> = ${dot(data.x, generic.dx)}`);
  assert.ok(Math.abs(lhs - dot(data.k, generic.dk)) <= 1e-12 * scale, `<conv(x,k), dy> = ${lhs} vs <k, dk> = ${dot(data.k, generic.dk)}`);
  const objective = () => {
    const y = new Float64Array(sizes.output);
    convForward(p, x64, k64, b64, y);
    return dot(y, data.dy);
  };
  checkFiniteDifferences('dx', x64, generic.dx, objective, rng);
  checkFiniteDifferences('dkernel', k64, generic.dk, objective, rng);
  checkFiniteDifferences('dbias', b64, generic.db, objective, rng);
}
