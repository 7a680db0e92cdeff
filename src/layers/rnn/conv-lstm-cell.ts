/**
 * The ConvLSTM cell (Keras's `ConvLSTMCell`), of any rank, written with the differentiable ops only, so
 * autograd gives backpropagation through time with no gradient code here:
 *
 *     i = σ(x_i ∗ Wi + h ∗ Ui + bi)    f = σ(x_f ∗ Wf + h ∗ Uf + bf)
 *     c' = f ⊙ c + i ⊙ tanh(x_c ∗ Wc + h ∗ Uc + bc)
 *     o = σ(x_o ∗ Wo + h ∗ Uo + bo)    h' = o ⊙ tanh(c')
 *
 * (σ the recurrent activation, tanh the activation; `∗` the input convolution with the layer's strides,
 * padding and dilation, or the recurrent one, 'same' with stride 1.) The gates are the four quarters of
 * the kernels' last axis, in Keras's order i, f, c, o. The input convolutions do not depend on the state,
 * so they run for every time step at once, with time folded into the batch; only the recurrent
 * convolution runs per step.
 */

import type { Activation } from '../../activations/index.js';
import type { Tensor } from '../../engine/tensor.js';
import type { SpatialRank } from '../../kernels/conv/params.js';
import type { DataFormat, Padding } from '../../ops/conv-args.js';
import { concat } from '../../ops/concat.js';
import { conv } from '../../ops/conv.js';
import { add, mul } from '../../ops/elementwise.js';
import { slice } from '../../ops/slice.js';
import { reshape } from '../../ops/shape-ops.js';

/** What the cell computes with: the layer's convolution and activation arguments. */
export interface ConvLstmCellConfig {
  readonly rank: SpatialRank;
  readonly filters: number;
  readonly strides: readonly number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
}

/** The channel axis of a tensor with `rank` spatial axes and `leading` axes before them (batch, time). */
function channelAxis(cfg: ConvLstmCellConfig, leading: number): number {
  return cfg.dataFormat === 'channels_last' ? leading + cfg.rank : leading;
}

/** Gate `g` (0 i, 1 f, 2 c, 3 o) of `t`: the `g`-th quarter of its channel axis. */
export function gate(cfg: ConvLstmCellConfig, t: Tensor, g: number, leading = 1): Tensor {
  const axis = channelAxis(cfg, leading);
  const begin = t.shape.map((_, i) => (i === axis ? g * cfg.filters : 0));
  const size = t.shape.map((_, i) => (i === axis ? cfg.filters : -1));
  return slice(t, begin, size);
}

/** Gate `g`'s quarter of a kernel `[...k, in, 4F]` or of the bias `[4F]`. */
function gateWeights(cfg: ConvLstmCellConfig, w: Tensor, g: number): Tensor {
  const last = w.rank - 1;
  return slice(w, w.shape.map((_, i) => (i === last ? g * cfg.filters : 0)), w.shape.map((_, i) => (i === last ? cfg.filters : -1)));
}

/**
 * The input convolutions of every time step: `sequence` `[B, T, ...step]` → `[B, T, ...stepOut]` with
 * `4F` channels (bias included). With dropout masks (one per gate, each `[B, ...step]`, fixed across time
 * as Keras's), each gate convolves its own masked input.
 */
export function projectInputs(cfg: ConvLstmCellConfig, sequence: Tensor, kernel: Tensor, bias: Tensor | null, masks: readonly Tensor[] | null): Tensor {
  const [batch, steps] = sequence.shape;
  const folded = [batch * steps, ...sequence.shape.slice(2)];
  const options = { strides: cfg.strides, padding: cfg.padding, dataFormat: cfg.dataFormat, dilationRate: cfg.dilationRate };
  let z: Tensor;
  if (masks === null) {
    z = conv(reshape(sequence, folded), kernel, { ...options, bias });
  } else {
    const gates = masks.map((m, g) => {
      const masked = mul(sequence, reshape(m, [batch, 1, ...m.shape.slice(1)]));
      return conv(reshape(masked, folded), gateWeights(cfg, kernel, g), { ...options, bias: bias === null ? null : gateWeights(cfg, bias, g) });
    });
    z = concat(gates, channelAxis(cfg, 1));
  }
  return reshape(z, [batch, steps, ...z.shape.slice(1)]);
}

/**
 * One step: `zx` (this step's input convolutions, `[B, ...state]` with `4F` channels), the previous
 * states `h`, `c` (`[B, ...state]` with `F` channels) → the new `[h, c]`. With recurrent dropout masks
 * (one per gate, fixed across time), each gate convolves its own masked state.
 */
export function cellStep(cfg: ConvLstmCellConfig, zx: Tensor, h: Tensor, c: Tensor, recurrentKernel: Tensor, masks: readonly Tensor[] | null): [Tensor, Tensor] {
  const recurrent = { strides: 1, padding: 'same', dataFormat: cfg.dataFormat };
  let pre: (g: number) => Tensor;
  if (masks === null) {
    const z = add(zx, conv(h, recurrentKernel, recurrent));
    pre = (g) => gate(cfg, z, g, 1);
  } else {
    pre = (g) => add(gate(cfg, zx, g, 1), conv(mul(h, masks[g]), gateWeights(cfg, recurrentKernel, g), recurrent));
  }
  const i = cfg.recurrentActivation.apply(pre(0));
  const f = cfg.recurrentActivation.apply(pre(1));
  const cNext = add(mul(f, c), mul(i, cfg.activation.apply(pre(2))));
  const o = cfg.recurrentActivation.apply(pre(3));
  return [mul(o, cfg.activation.apply(cNext)), cNext];
}
