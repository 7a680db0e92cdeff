/**
 * Batch-normalization training kernels for the channels-last layout (`[rows, C]`, channel axis last),
 * float32 data with float64 per-channel statistics, matching `src/kernels/batch-norm/js.ts`.
 *
 * Precision: per-channel sums are accumulated in float64, as in js.ts (a channel averages over up to
 * hundreds of thousands of values, and float32 sums would lose digits where batch norm is sensitive);
 * each float32 vector is widened into two float64x2 accumulators. Per-element products (`d * d`,
 * `dy * (x − mean)`) are float32, within an ulp or so of js.ts's float64 products. The mean is subtracted
 * as `(x − meanHi) − meanLo`, a float32 pair: a mean rounded to one float32 would be off by up to half an
 * ulp of the mean, which is large next to the deviations when a channel's spread is small against its
 * mean (`x − meanHi` is exact there, as the two are close). Per-channel constants
 * (mean, scale, ...) are computed in float64 and rounded to float32 once; the elementwise passes run in
 * float32.
 *
 * Rows are swept in chunks of `CHUNK`: within a chunk each 4-channel group runs down the rows with its
 * accumulators in registers, and the chunk's cache lines are still in L1 when the next group reads them.
 *
 * Work units are groups of 4 channels (parallel convention `(start, end, scratch)`, see
 * src/kernels/wasm/parallel.ts; scratch: `batchNormForwardScratchBytes` / `batchNormBackwardScratchBytes`,
 * 64 and 80 bytes per group, holding the groups' float32 constants): a range reads every row but writes only its own channels, of the outputs
 * and of the float64 statistics arrays, so disjoint ranges can run concurrently. Each channel's result does
 * not depend on where the range boundaries fall (the partial last group uses scalar loops with the same
 * chunked arithmetic).
 */

const CHUNK: i32 = 32;

/** Four float64 values at `p[c..c+4)` rounded to a float32x4. */
@inline function loadF64AsF32(p: usize, c: i32): v128 {
  const q = p + (<usize>c << 3);
  const lo = f32x4.demote_f64x2_zero(v128.load(q));
  const hi = f32x4.demote_f64x2_zero(v128.load(q, 16));
  return v128.shuffle<f32>(lo, hi, 0, 1, 4, 5);
}

/** `p[c..c+4) − hi` rounded to float32: with `hi = loadF64AsF32(p, c)`, `hi + lo` carries the mean to ~48 bits. */
@inline function loadF64Residual(p: usize, c: i32, hi: v128): v128 {
  const q = p + (<usize>c << 3);
  const lo = f32x4.demote_f64x2_zero(f64x2.sub(v128.load(q), wideLo(hi)));
  const up = f32x4.demote_f64x2_zero(f64x2.sub(v128.load(q, 16), wideHi(hi)));
  return v128.shuffle<f32>(lo, up, 0, 1, 4, 5);
}

/** `p[c..c+2) += lo`, `p[c+2..c+4) += hi` (float64x2 each). */
@inline function addF64(p: usize, c: i32, lo: v128, hi: v128): void {
  const q = p + (<usize>c << 3);
  v128.store(q, f64x2.add(v128.load(q), lo));
  v128.store(q, f64x2.add(v128.load(q, 16), hi), 16);
}

/** Lanes 0, 1 of `v` widened to float64x2. */
@inline function wideLo(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2, 3 of `v` widened to float64x2. */
@inline function wideHi(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

@inline function f64At(p: usize, c: i32): f64 {
  return load<f64>(p + (<usize>c << 3));
}

@inline function setF64(p: usize, c: i32, v: f64): void {
  store<f64>(p + (<usize>c << 3), v);
}

/** `gamma[c] * invstd[c]` (or `invstd[c]` when `gamma` is 0), in float64. */
@inline function scaleAt(gamma: usize, invstd: usize, c: i32): f64 {
  const s = f64At(invstd, c);
  return gamma === 0 ? s : <f64>load<f32>(gamma + (<usize>c << 2)) * s;
}

/** Four float32 values built lane by lane from float64 scalars. */
@inline function f32x4From(a: f64, b: f64, c: f64, d: f64): v128 {
  let v = f32x4.splat(<f32>a);
  v = f32x4.replace_lane(v, 1, <f32>b);
  v = f32x4.replace_lane(v, 2, <f32>c);
  return f32x4.replace_lane(v, 3, <f32>d);
}

/**
 * Per-channel biased mean and variance in two passes, `invstd = 1 / sqrt(variance + epsilon)`, all
 * float64; then, unless `y` is 0, `y = (x − mean) * gamma * invstd + beta` (`gamma`/`beta` 0: none).
 * Units: groups of 4 channels.
 */
export function batchNormForwardNHWC(
  x: usize, rows: i32, C: i32, epsilon: f64,
  mean: usize, variance: usize, invstd: usize,
  gamma: usize, beta: usize, y: usize,
  start: i32, end: i32, scratch: usize,
): void {
  const c0 = start << 2;
  const c1 = min(end << 2, C);
  const stride = <usize>C << 2;
  for (let c = c0; c < c1; c++) {
    setF64(mean, c, 0);
    setF64(variance, c, 0);
  }
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const n = min(CHUNK, rows - r0);
    const base = x + <usize>r0 * stride;
    let c = c0;
    for (; c + 4 <= c1; c += 4) {
      let p = base + (<usize>c << 2);
      // Two rows per step into two accumulator sets: float64 adds are latency-bound otherwise.
      let lo = f64x2.splat(0);
      let hi = f64x2.splat(0);
      let lo2 = f64x2.splat(0);
      let hi2 = f64x2.splat(0);
      let r = 0;
      for (; r + 2 <= n; r += 2, p += stride << 1) {
        const v = v128.load(p);
        const w = v128.load(p + stride);
        lo = f64x2.add(lo, wideLo(v));
        hi = f64x2.add(hi, wideHi(v));
        lo2 = f64x2.add(lo2, wideLo(w));
        hi2 = f64x2.add(hi2, wideHi(w));
      }
      if (r < n) {
        const v = v128.load(p);
        lo = f64x2.add(lo, wideLo(v));
        hi = f64x2.add(hi, wideHi(v));
      }
      addF64(mean, c, f64x2.add(lo, lo2), f64x2.add(hi, hi2));
    }
    for (; c < c1; c++) {
      let p = base + (<usize>c << 2);
      let acc: f64 = 0;
      for (let r = 0; r < n; r++, p += stride) acc += <f64>load<f32>(p);
      setF64(mean, c, f64At(mean, c) + acc);
    }
  }
  for (let c = c0; c < c1; c++) setF64(mean, c, f64At(mean, c) / <f64>rows);
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const n = min(CHUNK, rows - r0);
    const base = x + <usize>r0 * stride;
    let c = c0;
    for (; c + 4 <= c1; c += 4) {
      const m = loadF64AsF32(mean, c);
      const ml = loadF64Residual(mean, c, m);
      let p = base + (<usize>c << 2);
      let lo = f64x2.splat(0);
      let hi = f64x2.splat(0);
      let lo2 = f64x2.splat(0);
      let hi2 = f64x2.splat(0);
      let r = 0;
      for (; r + 2 <= n; r += 2, p += stride << 1) {
        const d = f32x4.sub(f32x4.sub(v128.load(p), m), ml);
        const e = f32x4.sub(f32x4.sub(v128.load(p + stride), m), ml);
        const d2 = f32x4.mul(d, d);
        const e2 = f32x4.mul(e, e);
        lo = f64x2.add(lo, wideLo(d2));
        hi = f64x2.add(hi, wideHi(d2));
        lo2 = f64x2.add(lo2, wideLo(e2));
        hi2 = f64x2.add(hi2, wideHi(e2));
      }
      if (r < n) {
        const d = f32x4.sub(f32x4.sub(v128.load(p), m), ml);
        const d2 = f32x4.mul(d, d);
        lo = f64x2.add(lo, wideLo(d2));
        hi = f64x2.add(hi, wideHi(d2));
      }
      addF64(variance, c, f64x2.add(lo, lo2), f64x2.add(hi, hi2));
    }
    for (; c < c1; c++) {
      const m = <f32>f64At(mean, c);
      const ml = <f32>(f64At(mean, c) - <f64>m);
      let p = base + (<usize>c << 2);
      let acc: f64 = 0;
      for (let r = 0; r < n; r++, p += stride) {
        const d = load<f32>(p) - m - ml;
        acc += <f64>(d * d);
      }
      setF64(variance, c, f64At(variance, c) + acc);
    }
  }
  for (let c = c0; c < c1; c++) {
    const v = f64At(variance, c) / <f64>rows;
    setF64(variance, c, v);
    setF64(invstd, c, 1 / Math.sqrt(v + epsilon));
  }
  if (y === 0) return;
  // Per-group float32 constants (mean hi/lo, scale, offset), computed once into this thread's scratch.
  const c4 = c0 + ((c1 - c0) & ~3);
  for (let c = c0; c < c4; c += 4) {
    const q = scratch + (<usize>(c - c0) << 4);
    const m = loadF64AsF32(mean, c);
    v128.store(q, m);
    v128.store(q, loadF64Residual(mean, c, m), 16);
    v128.store(q, f32x4From(scaleAt(gamma, invstd, c), scaleAt(gamma, invstd, c + 1), scaleAt(gamma, invstd, c + 2), scaleAt(gamma, invstd, c + 3)), 32);
    v128.store(q, beta === 0 ? f32x4.splat(0) : v128.load(beta + (<usize>c << 2)), 48);
  }
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const n = min(CHUNK, rows - r0);
    const off = <usize>r0 * stride;
    for (let c = c0; c < c4; c += 4) {
      const q = scratch + (<usize>(c - c0) << 4);
      const m = v128.load(q);
      const ml = v128.load(q, 16);
      const k = v128.load(q, 32);
      const b = v128.load(q, 48);
      let p = off + (<usize>c << 2);
      for (let r = 0; r < n; r++, p += stride) {
        v128.store(y + p, f32x4.add(f32x4.mul(f32x4.sub(f32x4.sub(v128.load(x + p), m), ml), k), b));
      }
    }
    for (let c = c4; c < c1; c++) {
      const m = <f32>f64At(mean, c);
      const ml = <f32>(f64At(mean, c) - <f64>m);
      const k = <f32>scaleAt(gamma, invstd, c);
      const b: f32 = beta === 0 ? 0 : load<f32>(beta + (<usize>c << 2));
      let p = off + (<usize>c << 2);
      for (let r = 0; r < n; r++, p += stride) store<f32>(y + p, (load<f32>(x + p) - m - ml) * k + b);
    }
  }
}

/** Bytes of private scratch `batchNormForwardNHWC` needs for `C` channels (any range): 64 per group of 4. */
export function batchNormForwardScratchBytes(C: i32): usize {
  return <usize>((C + 3) >> 2) * 64;
}

/** Bytes of private scratch `batchNormBackwardNHWC` needs for `C` channels (any range): 80 per group of 4. */
export function batchNormBackwardScratchBytes(C: i32): usize {
  return <usize>((C + 3) >> 2) * 80;
}

/**
 * Training backward: `dbeta = Σ dy`, `dgamma = invstd * Σ dy * (x − mean)` (float64), then
 * `dx = k * (dy − dbeta / M − xhat * dgamma / M)` with `k = gamma * invstd`, `xhat = (x − mean) * invstd`.
 * Units: groups of 4 channels.
 */
export function batchNormBackwardNHWC(
  x: usize, dy: usize, rows: i32, C: i32,
  mean: usize, invstd: usize, gamma: usize,
  dx: usize, dgamma: usize, dbeta: usize,
  start: i32, end: i32, scratch: usize,
): void {
  const c0 = start << 2;
  const c1 = min(end << 2, C);
  const stride = <usize>C << 2;
  for (let c = c0; c < c1; c++) {
    setF64(dgamma, c, 0);
    setF64(dbeta, c, 0);
  }
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const n = min(CHUNK, rows - r0);
    const off = <usize>r0 * stride;
    let c = c0;
    for (; c + 4 <= c1; c += 4) {
      const m = loadF64AsF32(mean, c);
      const ml = loadF64Residual(mean, c, m);
      let p = off + (<usize>c << 2);
      let gLo = f64x2.splat(0);
      let gHi = f64x2.splat(0);
      let xLo = f64x2.splat(0);
      let xHi = f64x2.splat(0);
      for (let r = 0; r < n; r++, p += stride) {
        const g = v128.load(dy + p);
        const gx = f32x4.mul(g, f32x4.sub(f32x4.sub(v128.load(x + p), m), ml));
        gLo = f64x2.add(gLo, wideLo(g));
        gHi = f64x2.add(gHi, wideHi(g));
        xLo = f64x2.add(xLo, wideLo(gx));
        xHi = f64x2.add(xHi, wideHi(gx));
      }
      addF64(dbeta, c, gLo, gHi);
      addF64(dgamma, c, xLo, xHi);
    }
    for (; c < c1; c++) {
      const m = <f32>f64At(mean, c);
      const ml = <f32>(f64At(mean, c) - <f64>m);
      let p = off + (<usize>c << 2);
      let sg: f64 = 0;
      let sgx: f64 = 0;
      for (let r = 0; r < n; r++, p += stride) {
        const g = load<f32>(dy + p);
        sg += <f64>g;
        sgx += <f64>(g * (load<f32>(x + p) - m - ml));
      }
      setF64(dbeta, c, f64At(dbeta, c) + sg);
      setF64(dgamma, c, f64At(dgamma, c) + sgx);
    }
  }
  for (let c = c0; c < c1; c++) setF64(dgamma, c, f64At(dgamma, c) * f64At(invstd, c));
  const M = <f64>rows;
  // Per-group float32 constants (mean hi/lo, k, a, b), computed once into this thread's scratch.
  const c4 = c0 + ((c1 - c0) & ~3);
  for (let c = c0; c < c4; c += 4) {
    const q = scratch + <usize>((c - c0) >> 2) * 80;
    const m = loadF64AsF32(mean, c);
    v128.store(q, m);
    v128.store(q, loadF64Residual(mean, c, m), 16);
    v128.store(q, f32x4From(scaleAt(gamma, invstd, c), scaleAt(gamma, invstd, c + 1), scaleAt(gamma, invstd, c + 2), scaleAt(gamma, invstd, c + 3)), 32);
    v128.store(q, f32x4From(f64At(dbeta, c) / M, f64At(dbeta, c + 1) / M, f64At(dbeta, c + 2) / M, f64At(dbeta, c + 3) / M), 48);
    // xhat * dgamma / M = (x − mean) * (invstd * dgamma / M): one per-channel factor.
    v128.store(
      q,
      f32x4From(
        (f64At(invstd, c) * f64At(dgamma, c)) / M,
        (f64At(invstd, c + 1) * f64At(dgamma, c + 1)) / M,
        (f64At(invstd, c + 2) * f64At(dgamma, c + 2)) / M,
        (f64At(invstd, c + 3) * f64At(dgamma, c + 3)) / M,
      ),
      64,
    );
  }
  for (let r0 = 0; r0 < rows; r0 += CHUNK) {
    const n = min(CHUNK, rows - r0);
    const off = <usize>r0 * stride;
    for (let c = c0; c < c4; c += 4) {
      const q = scratch + <usize>((c - c0) >> 2) * 80;
      const m = v128.load(q);
      const ml = v128.load(q, 16);
      const k = v128.load(q, 32);
      const a = v128.load(q, 48);
      const b = v128.load(q, 64);
      let p = off + (<usize>c << 2);
      for (let r = 0; r < n; r++, p += stride) {
        const xm = f32x4.sub(f32x4.sub(v128.load(x + p), m), ml);
        const t = f32x4.sub(f32x4.sub(v128.load(dy + p), a), f32x4.mul(xm, b));
        v128.store(dx + p, f32x4.mul(k, t));
      }
    }
    for (let c = c4; c < c1; c++) {
      const m = <f32>f64At(mean, c);
      const ml = <f32>(f64At(mean, c) - <f64>m);
      const k = <f32>scaleAt(gamma, invstd, c);
      const a = <f32>(f64At(dbeta, c) / M);
      const b = <f32>((f64At(invstd, c) * f64At(dgamma, c)) / M);
      let p = off + (<usize>c << 2);
      for (let r = 0; r < n; r++, p += stride) {
        store<f32>(dx + p, k * (load<f32>(dy + p) - a - (load<f32>(x + p) - m - ml) * b));
      }
    }
  }
}
