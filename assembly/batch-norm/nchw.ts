/**
 * Batch-normalization training kernels for layouts whose channel axis is not last: the tensor viewed as
 * `[outer, C, inner]` with `inner > 1` (channels-first images: `outer = N`, `inner = H · W`), float32 data
 * with float64 per-channel statistics, matching `src/kernels/batch-norm/js.ts` as `nhwc.ts` does.
 *
 * A channel owns `outer` contiguous runs of `inner` floats, so the kernels run down each run four lanes at
 * a time. Sums accumulate in float64 (each float32 vector widened into two float64x2 accumulators, two
 * vectors per step for independent chains); the mean is subtracted as the float32 pair `(x − meanHi) −
 * meanLo` and the per-element products are float32, as in `nhwc.ts` (see there why); per-channel
 * constants are computed in float64 and rounded to float32 once.
 *
 * Work units are channels (parallel convention `(start, end, scratch)`, see
 * src/kernels/wasm/parallel.ts; no scratch): a range reads and writes only its own channels' runs and
 * statistics, and a channel is always computed whole by one call, so any split gives the same bits.
 */

@inline function f64At(p: usize, c: i32): f64 {
  return load<f64>(p + (<usize>c << 3));
}

@inline function setF64(p: usize, c: i32, v: f64): void {
  store<f64>(p + (<usize>c << 3), v);
}

/** Lanes 2, 3 of `v` widened to float64x2. */
@inline function wideHi(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

@inline function sumLanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ over a run of `n` floats at `p` of `(x − hi − lo)²` when `squares`, else of `x`, in float64. */
@inline function runSum(p: usize, n: i32, squares: bool, hi: f32, lo: f32): f64 {
  const H = f32x4.splat(hi);
  const L = f32x4.splat(lo);
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let a2 = f64x2.splat(0);
  let a3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    let v = v128.load(p + (<usize>i << 2));
    let w = v128.load(p + (<usize>i << 2), 16);
    if (squares) {
      v = f32x4.sub(f32x4.sub(v, H), L);
      w = f32x4.sub(f32x4.sub(w, H), L);
      v = f32x4.mul(v, v);
      w = f32x4.mul(w, w);
    }
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
    a1 = f64x2.add(a1, wideHi(v));
    a2 = f64x2.add(a2, f64x2.promote_low_f32x4(w));
    a3 = f64x2.add(a3, wideHi(w));
  }
  let s = sumLanes(f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3)));
  for (; i < n; i++) {
    let v = load<f32>(p + (<usize>i << 2));
    if (squares) {
      v = v - hi - lo;
      v = v * v;
    }
    s += <f64>v;
  }
  return s;
}

/**
 * Per-channel biased mean and variance in two passes, `invstd = 1 / sqrt(variance + epsilon)`, all
 * float64; then, unless `y` is 0, `y = (x − mean) * gamma * invstd + beta` (`gamma`/`beta` 0: none).
 * Units: channels.
 */
export function batchNormForwardNCHW(
  x: usize, outer: i32, C: i32, inner: i32, epsilon: f64,
  mean: usize, variance: usize, invstd: usize,
  gamma: usize, beta: usize, y: usize,
  start: i32, end: i32, scratch: usize,
): void {
  const runB = <usize>inner << 2;
  const strideB = <usize>C * runB;
  const count = <f64>outer * <f64>inner;
  for (let c = start; c < end; c++) {
    const first = <usize>c * runB;
    let s: f64 = 0;
    for (let o = 0, p = x + first; o < outer; o++, p += strideB) s += runSum(p, inner, false, 0, 0);
    const m = s / count;
    const hi = <f32>m;
    const lo = <f32>(m - <f64>hi);
    let q: f64 = 0;
    for (let o = 0, p = x + first; o < outer; o++, p += strideB) q += runSum(p, inner, true, hi, lo);
    const v = q / count;
    const k = 1 / Math.sqrt(v + epsilon);
    setF64(mean, c, m);
    setF64(variance, c, v);
    setF64(invstd, c, k);
    if (y === 0) continue;
    const scale = <f32>(gamma === 0 ? k : <f64>load<f32>(gamma + (<usize>c << 2)) * k);
    const shift: f32 = beta === 0 ? 0 : load<f32>(beta + (<usize>c << 2));
    const H = f32x4.splat(hi);
    const L = f32x4.splat(lo);
    const K = f32x4.splat(scale);
    const B = f32x4.splat(shift);
    for (let o = 0, off = first; o < outer; o++, off += strideB) {
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        const at = off + (<usize>i << 2);
        v128.store(y + at, f32x4.add(f32x4.mul(f32x4.sub(f32x4.sub(v128.load(x + at), H), L), K), B));
      }
      for (; i < inner; i++) {
        const at = off + (<usize>i << 2);
        store<f32>(y + at, (load<f32>(x + at) - hi - lo) * scale + shift);
      }
    }
  }
}

/**
 * Training backward: `dbeta = Σ dy`, `dgamma = invstd * Σ dy * (x − mean)` (float64), then
 * `dx = k * (dy − dbeta / M − (x − mean) * invstd * dgamma / M)` with `k = gamma * invstd`. Units: channels.
 */
export function batchNormBackwardNCHW(
  x: usize, dy: usize, outer: i32, C: i32, inner: i32,
  mean: usize, invstd: usize, gamma: usize,
  dx: usize, dgamma: usize, dbeta: usize,
  start: i32, end: i32, scratch: usize,
): void {
  const runB = <usize>inner << 2;
  const strideB = <usize>C * runB;
  const M = <f64>outer * <f64>inner;
  for (let c = start; c < end; c++) {
    const first = <usize>c * runB;
    const m = f64At(mean, c);
    const hi = <f32>m;
    const lo = <f32>(m - <f64>hi);
    const H = f32x4.splat(hi);
    const L = f32x4.splat(lo);
    let sg: f64 = 0;
    let sgx: f64 = 0;
    for (let o = 0, off = first; o < outer; o++, off += strideB) {
      let g0 = f64x2.splat(0);
      let g1 = f64x2.splat(0);
      let x0 = f64x2.splat(0);
      let x1 = f64x2.splat(0);
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        const at = off + (<usize>i << 2);
        const g = v128.load(dy + at);
        const gx = f32x4.mul(g, f32x4.sub(f32x4.sub(v128.load(x + at), H), L));
        g0 = f64x2.add(g0, f64x2.promote_low_f32x4(g));
        g1 = f64x2.add(g1, wideHi(g));
        x0 = f64x2.add(x0, f64x2.promote_low_f32x4(gx));
        x1 = f64x2.add(x1, wideHi(gx));
      }
      let rg = sumLanes(f64x2.add(g0, g1));
      let rx = sumLanes(f64x2.add(x0, x1));
      for (; i < inner; i++) {
        const at = off + (<usize>i << 2);
        const g = load<f32>(dy + at);
        rg += <f64>g;
        rx += <f64>(g * (load<f32>(x + at) - hi - lo));
      }
      sg += rg;
      sgx += rx;
    }
    const s = f64At(invstd, c);
    const dg = sgx * s;
    setF64(dbeta, c, sg);
    setF64(dgamma, c, dg);
    const k = <f32>(gamma === 0 ? s : <f64>load<f32>(gamma + (<usize>c << 2)) * s);
    const a = <f32>(sg / M);
    const b = <f32>((s * dg) / M);
    const K = f32x4.splat(k);
    const A = f32x4.splat(a);
    const B = f32x4.splat(b);
    for (let o = 0, off = first; o < outer; o++, off += strideB) {
      let i = 0;
      for (; i + 4 <= inner; i += 4) {
        const at = off + (<usize>i << 2);
        const xm = f32x4.sub(f32x4.sub(v128.load(x + at), H), L);
        v128.store(dx + at, f32x4.mul(K, f32x4.sub(f32x4.sub(v128.load(dy + at), A), f32x4.mul(xm, B))));
      }
      for (; i < inner; i++) {
        const at = off + (<usize>i << 2);
        store<f32>(dx + at, k * (load<f32>(dy + at) - a - (load<f32>(x + at) - hi - lo) * b));
      }
    }
  }
}
