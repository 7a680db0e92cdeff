/** The depthwise bias gradient, `dbias[o] = sum of dy[..., o]` (the manifest's `dwconv-db` entries). */
import { P_BATCH, P_OUT_C, P_OUT_H, P_OUT_W } from '../shared/boundary';
import { param } from './common';

/**
 * NHWC: channel groups of four across every pixel. Units: groups of four output channels; a range writes
 * `dbias[4*start .. min(4*end, OC)]` only.
 */
export function backwardBiasNhwc(pp: usize, dy: usize, db: usize, start: i32, end: i32, scratch: usize): void {
  const pixels = param(pp, P_BATCH) * param(pp, P_OUT_H) * param(pp, P_OUT_W);
  const OC = param(pp, P_OUT_C);
  const c0 = start * 4;
  const c1 = min(end * 4, OC);
  if (c0 >= c1) return;
  const cFull = c0 + ((c1 - c0) & ~3);
  const cs = <usize>OC << 2;
  memory.fill(db + (<usize>c0 << 2), 0, <usize>(c1 - c0) << 2);
  let g = dy;
  for (let p = 0; p < pixels; p++) {
    for (let c = c0; c < cFull; c += 4) {
      const cb = <usize>c << 2;
      v128.store(db + cb, f32x4.add(v128.load(db + cb), v128.load(g + cb)));
    }
    for (let c = cFull; c < c1; c++) {
      const cb = <usize>c << 2;
      store<f32>(db + cb, load<f32>(db + cb) + load<f32>(g + cb));
    }
    g += cs;
  }
}

/** NCHW: a sum of contiguous planes per channel, no transpose needed. Units: output channels. */
export function backwardBiasNchw(pp: usize, dy: usize, db: usize, start: i32, end: i32, scratch: usize): void {
  const N = param(pp, P_BATCH);
  const OC = param(pp, P_OUT_C);
  const S = param(pp, P_OUT_H) * param(pp, P_OUT_W);
  const S4 = S & ~3;
  for (let c = start; c < end; c++) {
    let acc = f32x4.splat(0);
    let tail: f32 = 0;
    for (let n = 0; n < N; n++) {
      const plane = dy + (<usize>((n * OC + c) * S) << 2);
      let i = 0;
      for (; i < S4; i += 4) acc = f32x4.add(acc, v128.load(plane + (<usize>i << 2)));
      for (; i < S; i++) tail += load<f32>(plane + (<usize>i << 2));
    }
    const sum =
      f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    store<f32>(db + (<usize>c << 2), sum + tail);
  }
}
