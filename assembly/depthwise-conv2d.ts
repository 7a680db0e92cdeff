/**
 * Depthwise 2D convolution kernels in AssemblyScript, compiled to WebAssembly with 128-bit SIMD.
 *
 * Everything here works on NHWC float32 tensors that already live in this module's linear memory; the
 * JavaScript side (`src/kernels/wasm/`) owns allocation, so these functions never allocate. The geometry
 * is passed as a block of 18 i32 words (`pp`) laid out like `DepthwiseConv2dParams` (see the P_* offsets),
 * already resolved and validated by `params.ts`; the kernels trust it.
 *
 * Vectorisation: four channels per v128 lane group, with a scalar tail for `C % 4`. With depth
 * multiplier 1 (the MobileNet case) the kernel slice of one tap lines up with the pixel's channels, so
 * input, kernel and output are all walked contiguously. Depth multiplier > 1 takes a scalar path.
 * Padding is never materialised: per output row/column the range of in-bounds taps is computed once.
 * 3x3 windows that lie wholly inside the input (any stride or dilation) take an unrolled fast path.
 */

// Word offsets into the params block.
const P_BATCH = 0;
const P_IN_H = 1;
const P_IN_W = 2;
const P_IN_C = 3;
const P_K_H = 4;
const P_K_W = 5;
const P_DM = 6;
const P_S_H = 7;
const P_S_W = 8;
const P_D_H = 9;
const P_D_W = 10;
const P_PAD_T = 11;
const P_PAD_L = 13;
const P_OUT_H = 15;
const P_OUT_W = 16;
const P_OUT_C = 17;

// Activation codes: 0 none, 1 relu, 2 relu6.
const ACT_RELU = 1;
const ACT_RELU6 = 2;

/** First start of the heap; the JavaScript allocator carves tensors from here upwards. */
export function heapBase(): usize {
  return __heap_base;
}

function param(pp: usize, word: i32): i32 {
  return load<i32>(pp + (<usize>word << 2));
}

/** Byte address of float element `index` of the array at `base`. */
function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** First tap `t >= 0` with `base + t * step >= 0` (may exceed the tap count: no tap inside). */
function firstInside(base: i32, step: i32): i32 {
  return base >= 0 ? 0 : (step - 1 - base) / step;
}

/** One past the last tap `t < taps` with `base + t * step < size`; 0 when none is. */
function endInside(base: i32, step: i32, size: i32, taps: i32): i32 {
  const room = size - 1 - base;
  return room < 0 ? 0 : min(taps, room / step + 1);
}

function activate4(v: v128, act: i32): v128 {
  if (act === ACT_RELU) return f32x4.max(v, f32x4.splat(0));
  if (act === ACT_RELU6) return f32x4.min(f32x4.max(v, f32x4.splat(0)), f32x4.splat(6));
  return v;
}

function activate1(v: f32, act: i32): f32 {
  if (act === ACT_RELU) return max(v, <f32>0);
  if (act === ACT_RELU6) return min(max(v, <f32>0), <f32>6);
  return v;
}

// ---------------------------------------------------------------------------------------------------
// Forward
// ---------------------------------------------------------------------------------------------------

/**
 * `out = act(conv(x, kernel) + bias)`, NHWC. `bias === 0` means no bias; `act`: 0 none, 1 relu, 2 relu6.
 */
export function forwardNhwc(pp: usize, x: usize, k: usize, bias: usize, out: usize, act: i32): void {
  const N = param(pp, P_BATCH);
  const H = param(pp, P_IN_H);
  const W = param(pp, P_IN_W);
  const C = param(pp, P_IN_C);
  const KH = param(pp, P_K_H);
  const KW = param(pp, P_K_W);
  const DM = param(pp, P_DM);
  const SH = param(pp, P_S_H);
  const SW = param(pp, P_S_W);
  const DH = param(pp, P_D_H);
  const DW = param(pp, P_D_W);
  const PT = param(pp, P_PAD_T);
  const PL = param(pp, P_PAD_L);
  const OH = param(pp, P_OUT_H);
  const OW = param(pp, P_OUT_W);

  if (DM !== 1) {
    forwardMultiplier(pp, x, k, bias, out, act);
    return;
  }

  // Output columns whose whole window row lies inside the input.
  let oxA = PL <= 0 ? 0 : (PL + SW - 1) / SW;
  const lastRoom = W - 1 - (KW - 1) * DW + PL;
  let oxB = lastRoom < 0 ? 0 : lastRoom / SW + 1;
  oxB = min(oxB, OW);
  oxA = min(oxA, oxB);
  const fast3 = KH === 3 && KW === 3;

  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * SH - PT;
      const ky0 = firstInside(iy0, DH);
      const ky1 = endInside(iy0, DH, H, KH);
      if (fast3 && ky0 === 0 && ky1 === 3) {
        forwardSpan(x, k, bias, out, act, n, oy, 0, oxA, H, W, C, KW, SW, DH, DW, PL, iy0, ky0, ky1, OH, OW);
        forward3x3Span(x, k, bias, out, act, n, oy, oxA, oxB, H, W, C, SW, DH, DW, PL, iy0, OH, OW);
        forwardSpan(x, k, bias, out, act, n, oy, oxB, OW, H, W, C, KW, SW, DH, DW, PL, iy0, ky0, ky1, OH, OW);
      } else {
        forwardSpan(x, k, bias, out, act, n, oy, 0, OW, H, W, C, KW, SW, DH, DW, PL, iy0, ky0, ky1, OH, OW);
      }
    }
  }
}

/** General path for output pixels `[ox0, ox1)` of one row, depth multiplier 1. */
function forwardSpan(
  x: usize, k: usize, bias: usize, out: usize, act: i32,
  n: i32, oy: i32, ox0: i32, ox1: i32,
  H: i32, W: i32, C: i32, KW: i32, SW: i32, DH: i32, DW: i32, PL: i32,
  iy0: i32, ky0: i32, ky1: i32, OH: i32, OW: i32,
): void {
  const C4 = C & ~3;
  const xTapStep = <usize>(DW * C) << 2;
  const kTapStep = <usize>C << 2;
  for (let ox = ox0; ox < ox1; ox++) {
    const ix0 = ox * SW - PL;
    const kx0 = firstInside(ix0, DW);
    const kx1 = endInside(ix0, DW, W, KW);
    const o = at(out, ((n * OH + oy) * OW + ox) * C);
    let c = 0;
    for (; c < C4; c += 4) {
      let acc = bias !== 0 ? v128.load(at(bias, c)) : f32x4.splat(0);
      for (let ky = ky0; ky < ky1; ky++) {
        let xp = at(x, ((n * H + iy0 + ky * DH) * W + ix0 + kx0 * DW) * C + c);
        let kp = at(k, (ky * KW + kx0) * C + c);
        for (let kx = kx0; kx < kx1; kx++) {
          acc = f32x4.add(acc, f32x4.mul(v128.load(xp), v128.load(kp)));
          xp += xTapStep;
          kp += kTapStep;
        }
      }
      v128.store(at(o, c), activate4(acc, act));
    }
    for (; c < C; c++) {
      let acc: f32 = bias !== 0 ? load<f32>(at(bias, c)) : 0;
      for (let ky = ky0; ky < ky1; ky++) {
        let xp = at(x, ((n * H + iy0 + ky * DH) * W + ix0 + kx0 * DW) * C + c);
        let kp = at(k, (ky * KW + kx0) * C + c);
        for (let kx = kx0; kx < kx1; kx++) {
          acc += load<f32>(xp) * load<f32>(kp);
          xp += xTapStep;
          kp += kTapStep;
        }
      }
      store<f32>(at(o, c), activate1(acc, act));
    }
  }
}

/** Unrolled 3x3 path for output pixels whose 3x3 window lies wholly inside the input. */
function forward3x3Span(
  x: usize, k: usize, bias: usize, out: usize, act: i32,
  n: i32, oy: i32, ox0: i32, ox1: i32,
  H: i32, W: i32, C: i32, SW: i32, DH: i32, DW: i32, PL: i32,
  iy0: i32, OH: i32, OW: i32,
): void {
  const C4 = C & ~3;
  const col = <usize>(DW * C) << 2; // bytes between horizontal taps
  const row = <usize>(DH * W * C) << 2; // bytes between vertical taps
  const kc = <usize>C << 2; // bytes between kernel taps
  const pixStep = <usize>(SW * C) << 2;
  let xPix = at(x, ((n * H + iy0) * W + ox0 * SW - PL) * C);
  let o = at(out, ((n * OH + oy) * OW + ox0) * C);
  const oStep = <usize>C << 2;
  for (let ox = ox0; ox < ox1; ox++) {
    let c = 0;
    for (; c < C4; c += 4) {
      const cb = <usize>c << 2;
      const x0 = xPix + cb;
      const x1 = x0 + row;
      const x2 = x1 + row;
      const k0 = k + cb;
      const k1 = k0 + 3 * kc;
      const k2 = k1 + 3 * kc;
      let a0 = bias !== 0 ? v128.load(bias + cb) : f32x4.splat(0);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(x0), v128.load(k0)));
      let a1 = f32x4.mul(v128.load(x1), v128.load(k1));
      let a2 = f32x4.mul(v128.load(x2), v128.load(k2));
      a0 = f32x4.add(a0, f32x4.mul(v128.load(x0 + col), v128.load(k0 + kc)));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(x1 + col), v128.load(k1 + kc)));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(x2 + col), v128.load(k2 + kc)));
      a0 = f32x4.add(a0, f32x4.mul(v128.load(x0 + 2 * col), v128.load(k0 + 2 * kc)));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(x1 + 2 * col), v128.load(k1 + 2 * kc)));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(x2 + 2 * col), v128.load(k2 + 2 * kc)));
      v128.store(o + cb, activate4(f32x4.add(f32x4.add(a0, a1), a2), act));
    }
    for (; c < C; c++) {
      const cb = <usize>c << 2;
      let acc: f32 = bias !== 0 ? load<f32>(bias + cb) : 0;
      let xp = xPix + cb;
      let kp = k + cb;
      for (let ky = 0; ky < 3; ky++) {
        acc += load<f32>(xp) * load<f32>(kp);
        acc += load<f32>(xp + col) * load<f32>(kp + kc);
        acc += load<f32>(xp + 2 * col) * load<f32>(kp + 2 * kc);
        xp += row;
        kp += 3 * kc;
      }
      store<f32>(o + cb, activate1(acc, act));
    }
    xPix += pixStep;
    o += oStep;
  }
}

/** Depth multiplier > 1: scalar, output channel `c * dm + m` reads input channel `c`. */
function forwardMultiplier(pp: usize, x: usize, k: usize, bias: usize, out: usize, act: i32): void {
  const N = param(pp, P_BATCH);
  const H = param(pp, P_IN_H);
  const W = param(pp, P_IN_W);
  const C = param(pp, P_IN_C);
  const KH = param(pp, P_K_H);
  const KW = param(pp, P_K_W);
  const DM = param(pp, P_DM);
  const SH = param(pp, P_S_H);
  const SW = param(pp, P_S_W);
  const DH = param(pp, P_D_H);
  const DW = param(pp, P_D_W);
  const PT = param(pp, P_PAD_T);
  const PL = param(pp, P_PAD_L);
  const OH = param(pp, P_OUT_H);
  const OW = param(pp, P_OUT_W);
  const OC = param(pp, P_OUT_C);
  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * SH - PT;
      const ky0 = firstInside(iy0, DH);
      const ky1 = endInside(iy0, DH, H, KH);
      for (let ox = 0; ox < OW; ox++) {
        const ix0 = ox * SW - PL;
        const kx0 = firstInside(ix0, DW);
        const kx1 = endInside(ix0, DW, W, KW);
        const o = ((n * OH + oy) * OW + ox) * OC;
        for (let c = 0; c < C; c++) {
          for (let m = 0; m < DM; m++) {
            const j = c * DM + m;
            let acc: f32 = bias !== 0 ? load<f32>(at(bias, j)) : 0;
            for (let ky = ky0; ky < ky1; ky++) {
              const xRow = ((n * H + iy0 + ky * DH) * W + ix0) * C + c;
              for (let kx = kx0; kx < kx1; kx++) {
                acc += load<f32>(at(x, xRow + kx * DW * C)) * load<f32>(at(k, (ky * KW + kx) * OC + j));
              }
            }
            store<f32>(at(out, o + j), activate1(acc, act));
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Backward w.r.t. the input: a gather, dx[n, iy, ix, c] = sum over taps whose sampling point is (iy, ix)
// ---------------------------------------------------------------------------------------------------

/**
 * `scratch` must hold `2 * (kernelHeight + kernelWidth)` i32 words: the (tap, output index) lists of the
 * current input row and column.
 */
export function backwardInputNhwc(pp: usize, dy: usize, k: usize, dx: usize, scratch: usize): void {
  const N = param(pp, P_BATCH);
  const H = param(pp, P_IN_H);
  const W = param(pp, P_IN_W);
  const C = param(pp, P_IN_C);
  const KH = param(pp, P_K_H);
  const KW = param(pp, P_K_W);
  const DM = param(pp, P_DM);
  const SH = param(pp, P_S_H);
  const SW = param(pp, P_S_W);
  const DH = param(pp, P_D_H);
  const DW = param(pp, P_D_W);
  const PT = param(pp, P_PAD_T);
  const PL = param(pp, P_PAD_L);
  const OH = param(pp, P_OUT_H);
  const OW = param(pp, P_OUT_W);
  const OC = param(pp, P_OUT_C);
  const C4 = DM === 1 ? C & ~3 : 0;
  const rows = scratch;
  const cols = scratch + (<usize>(2 * KH) << 2);

  for (let n = 0; n < N; n++) {
    for (let iy = 0; iy < H; iy++) {
      let nr = 0;
      for (let ky = 0; ky < KH; ky++) {
        const ty = iy + PT - ky * DH;
        if (ty < 0 || ty % SH !== 0) continue;
        const oy = ty / SH;
        if (oy >= OH) continue;
        store<i32>(rows + (<usize>(2 * nr) << 2), ky);
        store<i32>(rows + (<usize>(2 * nr + 1) << 2), (n * OH + oy) * OW);
        nr++;
      }
      for (let ix = 0; ix < W; ix++) {
        let nc = 0;
        for (let kx = 0; kx < KW; kx++) {
          const tx = ix + PL - kx * DW;
          if (tx < 0 || tx % SW !== 0) continue;
          const ox = tx / SW;
          if (ox >= OW) continue;
          store<i32>(cols + (<usize>(2 * nc) << 2), kx);
          store<i32>(cols + (<usize>(2 * nc + 1) << 2), ox);
          nc++;
        }
        const d = ((n * H + iy) * W + ix) * C;
        let c = 0;
        for (; c < C4; c += 4) {
          let acc = f32x4.splat(0);
          for (let r = 0; r < nr; r++) {
            const ky = load<i32>(rows + (<usize>(2 * r) << 2));
            const rowBase = load<i32>(rows + (<usize>(2 * r + 1) << 2));
            for (let q = 0; q < nc; q++) {
              const kx = load<i32>(cols + (<usize>(2 * q) << 2));
              const ox = load<i32>(cols + (<usize>(2 * q + 1) << 2));
              acc = f32x4.add(
                acc,
                f32x4.mul(v128.load(at(dy, (rowBase + ox) * C + c)), v128.load(at(k, (ky * KW + kx) * C + c))),
              );
            }
          }
          v128.store(at(dx, d + c), acc);
        }
        for (; c < C; c++) {
          let acc: f32 = 0;
          for (let r = 0; r < nr; r++) {
            const ky = load<i32>(rows + (<usize>(2 * r) << 2));
            const rowBase = load<i32>(rows + (<usize>(2 * r + 1) << 2));
            for (let q = 0; q < nc; q++) {
              const kx = load<i32>(cols + (<usize>(2 * q) << 2));
              const ox = load<i32>(cols + (<usize>(2 * q + 1) << 2));
              const dyBase = (rowBase + ox) * OC + c * DM;
              const kBase = (ky * KW + kx) * OC + c * DM;
              for (let m = 0; m < DM; m++) acc += load<f32>(at(dy, dyBase + m)) * load<f32>(at(k, kBase + m));
            }
          }
          store<f32>(at(dx, d + c), acc);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Backward w.r.t. the kernel: per output row and tap, reduce a whole row in registers, then add once.
// ---------------------------------------------------------------------------------------------------

export function backwardKernelNhwc(pp: usize, x: usize, dy: usize, dk: usize): void {
  const N = param(pp, P_BATCH);
  const H = param(pp, P_IN_H);
  const W = param(pp, P_IN_W);
  const C = param(pp, P_IN_C);
  const KH = param(pp, P_K_H);
  const KW = param(pp, P_K_W);
  const DM = param(pp, P_DM);
  const SH = param(pp, P_S_H);
  const SW = param(pp, P_S_W);
  const DH = param(pp, P_D_H);
  const DW = param(pp, P_D_W);
  const PT = param(pp, P_PAD_T);
  const PL = param(pp, P_PAD_L);
  const OH = param(pp, P_OUT_H);
  const OW = param(pp, P_OUT_W);
  const OC = param(pp, P_OUT_C);
  memory.fill(dk, 0, <usize>(KH * KW * OC) << 2);
  const C4 = DM === 1 ? C & ~3 : 0;
  const xStep = <usize>(SW * C) << 2;
  const dyStep = <usize>OC << 2;

  for (let n = 0; n < N; n++) {
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * SH - PT;
      const ky0 = firstInside(iy0, DH);
      const ky1 = endInside(iy0, DH, H, KH);
      const dyRow = (n * OH + oy) * OW;
      for (let ky = ky0; ky < ky1; ky++) {
        const xRow = (n * H + iy0 + ky * DH) * W;
        for (let kx = 0; kx < KW; kx++) {
          const base = kx * DW - PL;
          const ox0 = firstInside(base, SW);
          const ox1 = endInside(base, SW, W, OW);
          if (ox0 >= ox1) continue;
          const dkTap = (ky * KW + kx) * OC;
          const xFirst = (xRow + base + ox0 * SW) * C;
          const dyFirst = (dyRow + ox0) * OC;
          let c = 0;
          for (; c < C4; c += 4) {
            let xp = at(x, xFirst + c);
            let gp = at(dy, dyFirst + c);
            let a0 = f32x4.splat(0);
            let a1 = f32x4.splat(0);
            let ox = ox0;
            for (; ox + 1 < ox1; ox += 2) {
              a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), v128.load(gp)));
              a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + xStep), v128.load(gp + dyStep)));
              xp += 2 * xStep;
              gp += 2 * dyStep;
            }
            if (ox < ox1) a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), v128.load(gp)));
            const dp = at(dk, dkTap + c);
            v128.store(dp, f32x4.add(v128.load(dp), f32x4.add(a0, a1)));
          }
          for (; c < C; c++) {
            for (let m = 0; m < DM; m++) {
              let xp = at(x, xFirst + c);
              let gp = at(dy, dyFirst + c * DM + m);
              let acc: f32 = 0;
              for (let ox = ox0; ox < ox1; ox++) {
                acc += load<f32>(xp) * load<f32>(gp);
                xp += xStep;
                gp += dyStep;
              }
              const dp = at(dk, dkTap + c * DM + m);
              store<f32>(dp, load<f32>(dp) + acc);
            }
          }
        }
      }
    }
  }
}

/** `dbias[o] = sum of dy[..., o]` over every pixel. */
export function backwardBiasNhwc(pp: usize, dy: usize, db: usize): void {
  const pixels = param(pp, P_BATCH) * param(pp, P_OUT_H) * param(pp, P_OUT_W);
  const OC = param(pp, P_OUT_C);
  const C4 = OC & ~3;
  memory.fill(db, 0, <usize>OC << 2);
  for (let p = 0; p < pixels; p++) {
    const g = at(dy, p * OC);
    let c = 0;
    for (; c < C4; c += 4) {
      const dp = at(db, c);
      v128.store(dp, f32x4.add(v128.load(dp), v128.load(at(g, c))));
    }
    for (; c < OC; c++) {
      const dp = at(db, c);
      store<f32>(dp, load<f32>(dp) + load<f32>(at(g, c)));
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Layout conversion, so channels-first tensors can use the NHWC kernels.
// ---------------------------------------------------------------------------------------------------

/** `dst[n, i, c] = src[n, c, i]` for `i < spatial`. */
export function nchwToNhwc(src: usize, dst: usize, N: i32, C: i32, spatial: i32): void {
  for (let n = 0; n < N; n++) {
    const s = n * C * spatial;
    for (let c = 0; c < C; c++) {
      let sp = at(src, s + c * spatial);
      let dp = at(dst, s + c);
      const step = <usize>C << 2;
      for (let i = 0; i < spatial; i++) {
        store<f32>(dp, load<f32>(sp));
        sp += 4;
        dp += step;
      }
    }
  }
}

/** `dst[n, c, i] = src[n, i, c]` for `i < spatial`. */
export function nhwcToNchw(src: usize, dst: usize, N: i32, C: i32, spatial: i32): void {
  for (let n = 0; n < N; n++) {
    const s = n * C * spatial;
    for (let i = 0; i < spatial; i++) {
      let sp = at(src, s + i * C);
      let dp = at(dst, s + i);
      const step = <usize>spatial << 2;
      for (let c = 0; c < C; c++) {
        store<f32>(dp, load<f32>(sp));
        sp += 4;
        dp += step;
      }
    }
  }
}
