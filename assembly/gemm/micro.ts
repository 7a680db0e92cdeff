/**
 * The GEMM's register-level kernels: the 4x8 micro-tile, single rows of 8 and 32 columns, the few-rows
 * path that reads B in place, and the fused epilogue `act(v * scale + shift)`.
 */
import { ACT_RELU, ACT_RELU6 } from '../shared/boundary';

/**
 * relu / relu6 with the pseudo-min/max (`pmax(v, 0) = v < 0 ? 0 : v`), one `maxps`/`minps` each on x64,
 * where the IEEE `f32x4.max`/`min` take several instructions to order NaN and -0. A NaN input stays NaN,
 * as it must.
 */
@inline
function activate(v: v128, act: i32): v128 {
  if (act === ACT_RELU) return f32x4.pmax(v, f32x4.splat(0));
  if (act === ACT_RELU6) return f32x4.pmin(f32x4.pmax(v, f32x4.splat(0)), f32x4.splat(6));
  return v;
}

/**
 * One MR × NR tile: accumulators start from C (`load`) or zero, take `kc` rank-1 updates (row r of A
 * at `a_r`, advancing `aK` bytes per k; 8 B values at `bp`, advancing `bStep`), and are stored with the
 * epilogue when `last`, else raw.
 */
@inline
export function microTile(
  a0: usize, a1: usize, a2: usize, a3: usize, aK: usize,
  bp: usize, bStep: usize, kc: i32,
  cp: usize, ldcB: usize, load: bool, last: bool,
  sp: usize, hp: usize, act: i32,
): void {
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (load) {
    c00 = v128.load(cp); c01 = v128.load(cp, 16);
    c10 = v128.load(cp + ldcB); c11 = v128.load(cp + ldcB, 16);
    c20 = v128.load(cp + 2 * ldcB); c21 = v128.load(cp + 2 * ldcB, 16);
    c30 = v128.load(cp + 3 * ldcB); c31 = v128.load(cp + 3 * ldcB, 16);
  } else {
    c00 = f32x4.splat(0); c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
  }
  for (let q = 0; q < kc; q++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(x, b0));
    c01 = f32x4.add(c01, f32x4.mul(x, b1));
    x = v128.load32_splat(a1);
    c10 = f32x4.add(c10, f32x4.mul(x, b0));
    c11 = f32x4.add(c11, f32x4.mul(x, b1));
    x = v128.load32_splat(a2);
    c20 = f32x4.add(c20, f32x4.mul(x, b0));
    c21 = f32x4.add(c21, f32x4.mul(x, b1));
    x = v128.load32_splat(a3);
    c30 = f32x4.add(c30, f32x4.mul(x, b0));
    c31 = f32x4.add(c31, f32x4.mul(x, b1));
    a0 += aK; a1 += aK; a2 += aK; a3 += aK;
    bp += bStep;
  }
  if (last) {
    if (sp !== 0) {
      const s0 = v128.load(sp);
      const s1 = v128.load(sp, 16);
      c00 = f32x4.mul(c00, s0); c01 = f32x4.mul(c01, s1);
      c10 = f32x4.mul(c10, s0); c11 = f32x4.mul(c11, s1);
      c20 = f32x4.mul(c20, s0); c21 = f32x4.mul(c21, s1);
      c30 = f32x4.mul(c30, s0); c31 = f32x4.mul(c31, s1);
    }
    if (hp !== 0) {
      const h0 = v128.load(hp);
      const h1 = v128.load(hp, 16);
      c00 = f32x4.add(c00, h0); c01 = f32x4.add(c01, h1);
      c10 = f32x4.add(c10, h0); c11 = f32x4.add(c11, h1);
      c20 = f32x4.add(c20, h0); c21 = f32x4.add(c21, h1);
      c30 = f32x4.add(c30, h0); c31 = f32x4.add(c31, h1);
    }
    if (act !== 0) {
      c00 = activate(c00, act); c01 = activate(c01, act);
      c10 = activate(c10, act); c11 = activate(c11, act);
      c20 = activate(c20, act); c21 = activate(c21, act);
      c30 = activate(c30, act); c31 = activate(c31, act);
    }
  }
  v128.store(cp, c00); v128.store(cp, c01, 16);
  v128.store(cp + ldcB, c10); v128.store(cp + ldcB, c11, 16);
  v128.store(cp + 2 * ldcB, c20); v128.store(cp + 2 * ldcB, c21, 16);
  v128.store(cp + 3 * ldcB, c30); v128.store(cp + 3 * ldcB, c31, 16);
}

@inline
function epilogue(v: v128, s: usize, h: usize, act: i32): v128 {
  if (s !== 0) v = f32x4.mul(v, v128.load(s));
  if (h !== 0) v = f32x4.add(v, v128.load(h));
  return activate(v, act);
}

/** One row × 8 columns; as `microTile`. */
export function microRow1(
  a0: usize, aK: usize, bp: usize, bStep: usize, kc: i32,
  cp: usize, load: bool, last: bool, sp: usize, hp: usize, act: i32,
): void {
  let c0: v128, c1: v128;
  if (load) {
    c0 = v128.load(cp); c1 = v128.load(cp, 16);
  } else {
    c0 = f32x4.splat(0); c1 = c0;
  }
  for (let q = 0; q < kc; q++) {
    const x = v128.load32_splat(a0);
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
    a0 += aK;
    bp += bStep;
  }
  if (last) {
    c0 = epilogue(c0, sp, hp, act);
    c1 = epilogue(c1, sp !== 0 ? sp + 16 : 0, hp !== 0 ? hp + 16 : 0, act);
  }
  v128.store(cp, c0); v128.store(cp, c1, 16);
}

/**
 * One row × four full panels (32 columns): panel t's 8 values for step k are at `bp + t * panel`, and
 * its 8 outputs at `cp + 32 t`.
 */
export function microRow4(
  a0: usize, aK: usize, bp: usize, bStep: usize, panel: usize, kc: i32,
  cp: usize, load: bool, last: bool, sp: usize, hp: usize, act: i32,
): void {
  let c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, c6: v128, c7: v128;
  if (load) {
    c0 = v128.load(cp); c1 = v128.load(cp, 16); c2 = v128.load(cp, 32); c3 = v128.load(cp, 48);
    c4 = v128.load(cp, 64); c5 = v128.load(cp, 80); c6 = v128.load(cp, 96); c7 = v128.load(cp, 112);
  } else {
    c0 = f32x4.splat(0); c1 = c0; c2 = c0; c3 = c0; c4 = c0; c5 = c0; c6 = c0; c7 = c0;
  }
  let b1 = bp + panel;
  let b2 = b1 + panel;
  let b3 = b2 + panel;
  for (let q = 0; q < kc; q++) {
    const x = v128.load32_splat(a0);
    c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp)));
    c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
    c2 = f32x4.add(c2, f32x4.mul(x, v128.load(b1)));
    c3 = f32x4.add(c3, f32x4.mul(x, v128.load(b1, 16)));
    c4 = f32x4.add(c4, f32x4.mul(x, v128.load(b2)));
    c5 = f32x4.add(c5, f32x4.mul(x, v128.load(b2, 16)));
    c6 = f32x4.add(c6, f32x4.mul(x, v128.load(b3)));
    c7 = f32x4.add(c7, f32x4.mul(x, v128.load(b3, 16)));
    a0 += aK;
    bp += bStep; b1 += bStep; b2 += bStep; b3 += bStep;
  }
  if (last) {
    const s = sp !== 0 ? 16 : 0;
    const h = hp !== 0 ? 16 : 0;
    c0 = epilogue(c0, sp, hp, act);
    c1 = epilogue(c1, sp + s, hp + h, act);
    c2 = epilogue(c2, sp + 2 * s, hp + 2 * h, act);
    c3 = epilogue(c3, sp + 3 * s, hp + 3 * h, act);
    c4 = epilogue(c4, sp + 4 * s, hp + 4 * h, act);
    c5 = epilogue(c5, sp + 5 * s, hp + 5 * h, act);
    c6 = epilogue(c6, sp + 6 * s, hp + 6 * h, act);
    c7 = epilogue(c7, sp + 7 * s, hp + 7 * h, act);
  }
  v128.store(cp, c0); v128.store(cp, c1, 16); v128.store(cp, c2, 32); v128.store(cp, c3, 48);
  v128.store(cp, c4, 64); v128.store(cp, c5, 80); v128.store(cp, c6, 96); v128.store(cp, c7, 112);
}

/**
 * Few rows, B untransposed: packing B would cost as much as the product, and walking B down its columns
 * (as the tiles do) strides a page per step, which defeats the hardware prefetcher. So each row of C is
 * built as a sum of rows of B scaled by A's elements (`C[i, :] += A[i, q] * B[q, :]`), four rows of B per
 * sweep, all read front to back. Every element still sees `acc += a * b` in k order, as in the tiles.
 */
export function rowsDirect(
  a: usize, aRow: usize, aK: usize, b: usize, ldb: i32, c: usize, ldcB: usize,
  n: i32, k: i32, sp: usize, hp: usize, act: i32, accumulate: i32, start: i32, end: i32,
): void {
  const ldbB = <usize>ldb << 2;
  const n4 = n & ~3;
  const nB = <usize>n << 2;
  for (let i = start; i < end; i++) {
    const cr = c + <usize>i * ldcB;
    if (accumulate === 0) memory.fill(cr, 0, nB);
    let ap = a + <usize>i * aRow;
    let br = b;
    let q = 0;
    for (; q + 4 <= k; q += 4) {
      const x0 = v128.load32_splat(ap);
      const x1 = v128.load32_splat(ap + aK);
      const x2 = v128.load32_splat(ap + 2 * aK);
      const x3 = v128.load32_splat(ap + 3 * aK);
      const s0 = load<f32>(ap);
      const s1 = load<f32>(ap + aK);
      const s2 = load<f32>(ap + 2 * aK);
      const s3 = load<f32>(ap + 3 * aK);
      const b1 = br + ldbB;
      const b2 = b1 + ldbB;
      const b3 = b2 + ldbB;
      let j: usize = 0;
      for (; j < <usize>n4 << 2; j += 16) {
        let v = v128.load(cr + j);
        v = f32x4.add(v, f32x4.mul(x0, v128.load(br + j)));
        v = f32x4.add(v, f32x4.mul(x1, v128.load(b1 + j)));
        v = f32x4.add(v, f32x4.mul(x2, v128.load(b2 + j)));
        v = f32x4.add(v, f32x4.mul(x3, v128.load(b3 + j)));
        v128.store(cr + j, v);
      }
      for (; j < nB; j += 4) {
        let v = load<f32>(cr + j);
        v += s0 * load<f32>(br + j);
        v += s1 * load<f32>(b1 + j);
        v += s2 * load<f32>(b2 + j);
        v += s3 * load<f32>(b3 + j);
        store<f32>(cr + j, v);
      }
      ap += 4 * aK;
      br += 4 * ldbB;
    }
    for (; q < k; q++) {
      const x = v128.load32_splat(ap);
      const s = load<f32>(ap);
      let j: usize = 0;
      for (; j < <usize>n4 << 2; j += 16) v128.store(cr + j, f32x4.add(v128.load(cr + j), f32x4.mul(x, v128.load(br + j))));
      for (; j < nB; j += 4) store<f32>(cr + j, load<f32>(cr + j) + s * load<f32>(br + j));
      ap += aK;
      br += ldbB;
    }
    if (sp !== 0 || hp !== 0 || act !== 0) epilogueRow(cr, n, sp, hp, act);
  }
}

/** Applies the epilogue to one row of C in place; `sp`/`hp` are padded to whole panels. */
function epilogueRow(cr: usize, n: i32, sp: usize, hp: usize, act: i32): void {
  const n4 = n & ~3;
  let j = 0;
  for (; j < n4; j += 4) {
    const o = <usize>j << 2;
    v128.store(cr + o, epilogue(v128.load(cr + o), sp !== 0 ? sp + o : 0, hp !== 0 ? hp + o : 0, act));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    let v = load<f32>(cr + o);
    if (sp !== 0) v *= load<f32>(sp + o);
    if (hp !== 0) v += load<f32>(hp + o);
    // The scalar forms of pmax/pmin, so -0 and NaN come out as in the vector lanes.
    if (act !== 0 && v < 0) v = 0;
    if (act === ACT_RELU6 && <f32>6 < v) v = 6;
    store<f32>(cr + o, v);
  }
}
