/**
 * The one loop nest of every TypeScript convolution pass, of any rank. A convolution of rank 1 or 2 is a
 * rank-3 one with leading spatial axes of size 1 (no stride, dilation or padding), so a single nest over
 * (depth, height, width) serves Conv1D to Conv3D, grouped and depthwise alike; the passes (forward, input
 * gradient, kernel gradient) differ only in what they do with each run of taps, which they pass in.
 *
 * Padding is never materialised: for each output position the range of taps inside the input is computed
 * once per axis (`firstInside`/`endInside`), so the passes' inner loops have no bounds checks.
 */
import { endInside, firstInside } from '../window.js';
import type { ConvParams } from './params.js';

/** The geometry as three spatial axes, outermost first: `[depth, height, width]`. */
export interface Geometry3 {
  readonly batch: number;
  readonly C: number;
  readonly F: number;
  readonly groups: number;
  readonly cpg: number;
  readonly opg: number;
  readonly inSize: readonly [number, number, number];
  readonly kernel: readonly [number, number, number];
  readonly strides: readonly [number, number, number];
  readonly dilations: readonly [number, number, number];
  readonly pads: readonly [number, number, number];
  readonly outSize: readonly [number, number, number];
}

function three(values: readonly number[], fill: number): [number, number, number] {
  const lifted = [...new Array<number>(3 - values.length).fill(fill), ...values];
  return [lifted[0], lifted[1], lifted[2]];
}

/** `p` as a rank-3 geometry (leading unit axes for ranks 1 and 2). */
export function geometry3(p: ConvParams): Geometry3 {
  return {
    batch: p.batch,
    C: p.inChannels,
    F: p.outChannels,
    groups: p.groups,
    cpg: p.inChannelsPerGroup,
    opg: p.outChannelsPerGroup,
    inSize: three(p.inSize, 1),
    kernel: three(p.kernelSize, 1),
    strides: three(p.strides, 1),
    dilations: three(p.dilations, 1),
    pads: three(p.padBefore, 0),
    outSize: three(p.outSize, 1),
  };
}

/**
 * A run of taps along the width axis for one output pixel (channels-last): output pixel offset `o`
 * (element of its first channel), input offset `xi` of the first tap's pixel, kernel offset `ki` of the
 * first tap's `[ci, f]` block, and the run's length. Consecutive taps are `dilation * C` input elements
 * and `cpg * F` kernel elements apart.
 */
export type TapRun = (o: number, xi: number, ki: number, taps: number) => void;

/** Calls `run` for every output pixel and every (depth, height) tap row whose width taps touch the input. */
export function forEachTapRunNhwc(g: Geometry3, run: TapRun): void {
  const { batch, C, F, cpg } = g;
  const [D, H, W] = g.inSize;
  const [KD, KH, KW] = g.kernel;
  const [SD, SH, SW] = g.strides;
  const [DD, DH, DW] = g.dilations;
  const [PD, PH, PW] = g.pads;
  const [OD, OH, OW] = g.outSize;
  const kTap = cpg * F;
  for (let n = 0; n < batch; n++) {
    for (let od = 0; od < OD; od++) {
      const id0 = od * SD - PD;
      const kd0 = firstInside(id0, DD);
      const kd1 = endInside(id0, DD, D, KD);
      for (let oy = 0; oy < OH; oy++) {
        const iy0 = oy * SH - PH;
        const ky0 = firstInside(iy0, DH);
        const ky1 = endInside(iy0, DH, H, KH);
        for (let ox = 0; ox < OW; ox++) {
          const ix0 = ox * SW - PW;
          const kx0 = firstInside(ix0, DW);
          const kx1 = endInside(ix0, DW, W, KW);
          if (kx0 >= kx1) continue;
          const o = (((n * OD + od) * OH + oy) * OW + ox) * F;
          for (let kd = kd0; kd < kd1; kd++) {
            const xPlane = (n * D + id0 + kd * DD) * H;
            for (let ky = ky0; ky < ky1; ky++) {
              const xi = ((xPlane + iy0 + ky * DH) * W + ix0 + kx0 * DW) * C;
              run(o, xi, ((kd * KH + ky) * KW + kx0) * kTap, kx1 - kx0);
            }
          }
        }
      }
    }
  }
}

/**
 * A row of outputs for one (image, filter, input channel, tap) (channels-first): output offset `oRow` of
 * the row's first element, input offset `xRow` that output `ox` reads at `xRow + ox * strideWidth`, the
 * kernel element `ki`, and the outputs `[ox0, ox1)` whose input lies inside.
 */
export type PlaneRow = (oRow: number, xRow: number, ki: number, ox0: number, ox1: number) => void;

/**
 * Calls `row` for every (image, filter, input channel of its group, tap) and every output row whose
 * sampling positions for that tap lie inside the input; `perFilter(oPlane, f)` runs first for each
 * output plane (to initialise it), when given.
 */
export function forEachPlaneRowNchw(g: Geometry3, perFilter: ((oPlane: number, f: number) => void) | null, row: PlaneRow): void {
  const { batch, C, F, cpg, opg } = g;
  const [D, H, W] = g.inSize;
  const [KD, KH, KW] = g.kernel;
  const [SD, SH, SW] = g.strides;
  const [DD, DH, DW] = g.dilations;
  const [PD, PH, PW] = g.pads;
  const [OD, OH, OW] = g.outSize;
  const inPlane = D * H * W;
  const outPlane = OD * OH * OW;
  for (let n = 0; n < batch; n++) {
    for (let f = 0; f < F; f++) {
      const oPlane = (n * F + f) * outPlane;
      if (perFilter) perFilter(oPlane, f);
      const c0 = Math.floor(f / opg) * cpg;
      for (let ci = 0; ci < cpg; ci++) {
        const xPlane = (n * C + c0 + ci) * inPlane;
        for (let kd = 0; kd < KD; kd++) {
          const offD = kd * DD - PD;
          const od0 = firstInside(offD, SD);
          const od1 = endInside(offD, SD, D, OD);
          for (let ky = 0; ky < KH; ky++) {
            const offY = ky * DH - PH;
            const oy0 = firstInside(offY, SH);
            const oy1 = endInside(offY, SH, H, OH);
            for (let kx = 0; kx < KW; kx++) {
              const offX = kx * DW - PW;
              const ox0 = firstInside(offX, SW);
              const ox1 = endInside(offX, SW, W, OW);
              if (od0 >= od1 || oy0 >= oy1 || ox0 >= ox1) continue;
              const ki = (((kd * KH + ky) * KW + kx) * cpg + ci) * F + f;
              for (let od = od0; od < od1; od++) {
                const xDepth = od * SD + offD;
                for (let oy = oy0; oy < oy1; oy++) {
                  row(oPlane + (od * OH + oy) * OW, xPlane + (xDepth * H + oy * SH + offY) * W + offX, ki, ox0, ox1);
                }
              }
            }
          }
        }
      }
    }
  }
}
