/**
 * Depthwise 2D convolution kernels in AssemblyScript, compiled to WebAssembly with 128-bit SIMD.
 *
 * Everything here works on NHWC float32 tensors that already live in this module's linear memory; the
 * JavaScript side (`src/kernels/wasm/`) owns allocation, so these functions never allocate. The geometry
 * is passed as a block of 18 i32 words (`pp`) laid out like `DepthwiseConv2dParams` (see the P_* offsets),
 * already resolved and validated by `params.ts`; the kernels trust it.
 *
 * Depth multiplier: the convolution kernels here assume 1. The wrapper runs depth multiplier `dm > 1` as
 * a depth-multiplier-1 convolution over `C * dm` channels, after `expandChannels` has repeated every
 * input channel `dm` times (and folds `dx` back with `reduceChannels`): the kernel layout `[KH, KW, C, dm]`
 * is already the layout of a `C * dm`-channel depthwise kernel, so every fast path serves every `dm`.
 *
 * Parallel convention (see `src/kernels/wasm/parallel.ts`): every export ends in `(start, end, scratch)`
 * and computes the work units `[start, end)` named in its doc; disjoint ranges write disjoint outputs, and
 * `scratch` is private to the calling thread. Nothing here keeps state between calls (a shared memory is
 * used by several instances at once).
 *
 * Vectorisation: four channels per v128. Pure-output kernels (forward, input gradient) handle `C % 4` by
 * recomputing one overlapping group at `C - 4` (same values written twice by the same call), so only
 * `C < 4` takes a scalar path; accumulating kernels (kernel and bias gradients) use a scalar tail.
 * Padding is never materialised in the input: rows outside the image point at a zero row in scratch, and
 * output columns whose window leaves the image horizontally take a bounds-checked border path (except in
 * the channel-tiled forwards, whose per-tile row copies carry zero columns).
 *
 * Forward paths, by geometry: undilated windows with enough channels (see TILE_CHANNELS_*) run channel-tiled
 * on per-tile copies of their input rows, 3x3 in forwardTiled3x3 and any other window in forwardTiled,
 * whose four-pixel blocks slide along the row (stride 1: a 7-wide row costs 10 column loads instead of
 * 28; stride 2: even and odd columns slide separately); the rest run row by row straight from the input.
 */

// Word offsets into the params block.
const P_BATCH = 0;
const P_IN_H = 1;
const P_IN_W = 2;
const P_IN_C = 3;
const P_K_H = 4;
const P_K_W = 5;
const P_S_H = 7;
const P_S_W = 8;
const P_D_H = 9;
const P_D_W = 10;
const P_PAD_T = 11;
const P_PAD_L = 13;
const P_OUT_H = 15;
const P_OUT_W = 16;
const P_OUT_C = 17;

/** Above this channel count the 3x3 path computes one pixel at a time (see forwardRow3x3). */
const BLOCK_CHANNELS_MAX = 512;

/**
 * Channel-tiled forwards (forwardTiled3x3, forwardTiled): at most TILE_CHANNELS_MAX channels per tile (a
 * ring of three padded rows of 64 channels stays in L1 up to ~28 pixels wide); a strided 3x3 takes tiles
 * of up to TILE_CHANNELS_MAX_STRIDED, so 128 channels copy their rows once (measured on MobileNetV1
 * layers, one thread: 112x112x64 and 56x56x128 stride 2 batch 8 1.5x and 1.05x faster than the row path,
 * 28x28x256 1.05x faster than with tiles of 64). The tiled paths are taken from TILE_CHANNELS_MIN channels
 * at stride 1 and TILE_CHANNELS_MIN_STRIDED otherwise; windows of more than nine taps (5x5, 7x7) reuse
 * each loaded column across four pixels, which beats the row path from 4 channels at stride 1 (56x56x4
 * 7x7: 1.5x) and 8 otherwise.
 * Keep in step with `tiledScratchBytes` in src/kernels/wasm/depthwise-conv2d.ts.
 */
const TILE_CHANNELS_MAX = 64;
const TILE_CHANNELS_MAX_STRIDED = 128;
const TILE_CHANNELS_MIN = 32;
const TILE_CHANNELS_MIN_STRIDED = 64;
const TILE_CHANNELS_MIN_LARGE = 4;
const TILE_CHANNELS_MIN_LARGE_STRIDED = 8;

/** The channel count from which forwardNhwc takes forwardTiled for an undilated window. */
@inline function tiledChannelsMin(KH: i32, KW: i32, SW: i32): i32 {
  // More taps reuse each loaded column more often, so the copy pays off sooner.
  if (KH * KW > 9) return SW === 1 ? TILE_CHANNELS_MIN_LARGE : TILE_CHANNELS_MIN_LARGE_STRIDED;
  return SW === 1 ? TILE_CHANNELS_MIN : TILE_CHANNELS_MIN_STRIDED;
}

// Activation codes: 0 none, 1 relu, 2 relu6.
const ACT_RELU = 1;
const ACT_RELU6 = 2;

/** First start of the heap; the JavaScript allocator carves tensors from here upwards. */
export function heapBase(): usize {
  return __heap_base;
}

@inline function param(pp: usize, word: i32): i32 {
  return load<i32>(pp + (<usize>word << 2));
}

/** First tap `t >= 0` with `base + t * step >= 0` (may exceed the tap count: no tap inside). */
@inline function firstInside(base: i32, step: i32): i32 {
  return base >= 0 ? 0 : (step - 1 - base) / step;
}

/** One past the last tap `t < taps` with `base + t * step < size`; 0 when none is. */
@inline function endInside(base: i32, step: i32, size: i32, taps: i32): i32 {
  const room = size - 1 - base;
  return room < 0 ? 0 : min(taps, room / step + 1);
}

/** Bytes of the row-pointer table at the start of the forward / kernel-gradient scratch (16-aligned). */
@inline function rowTableBytes(kh: i32): usize {
  return (<usize>kh * 4 + 15) & ~15;
}

/** `act(acc * sc + sh)` with the activation as a clamp to `[lo, hi]` (±inf for none); NaN propagates. */
@inline function epilogue4(acc: v128, sc: v128, sh: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.mul(acc, sc), sh), lo), hi);
}

@inline function epilogue1(acc: f32, sc: f32, sh: f32, lo: f32, hi: f32): f32 {
  let v = acc * sc + sh;
  if (v < lo) v = lo;
  if (hi < v) v = hi;
  return v;
}

@inline function lowerClamp(act: i32): f32 {
  return act >= ACT_RELU ? 0 : -Infinity;
}

@inline function upperClamp(act: i32): f32 {
  return act === ACT_RELU6 ? 6 : Infinity;
}

/**
 * Fills the row-pointer table for output row `oy` of image `n`: input row `iy0 + ky * DH` of the image,
 * or the zero row (zero-filled on first use in this call) when it lies outside. Returns the new
 * "zero row filled" flag.
 */
@inline function setRows(
  rows: usize, zero: usize, zeroed: bool, x: usize, n: i32, iy0: i32, H: i32, W: i32, C: i32, KH: i32, DH: i32,
): bool {
  for (let ky = 0; ky < KH; ky++) {
    const iy = iy0 + ky * DH;
    let r = zero;
    if (iy >= 0 && iy < H) {
      r = x + (<usize>((n * H + iy) * W * C) << 2);
    } else if (!zeroed) {
      memory.fill(zero, 0, <usize>(W * C) << 2);
      zeroed = true;
    }
    store<usize>(rows + (<usize>ky << 2), r);
  }
  return zeroed;
}

// ---------------------------------------------------------------------------------------------------
// Forward
// ---------------------------------------------------------------------------------------------------

/**
 * `out = act(conv(x, kernel) * scale[c] + shift[c])`, NHWC, depth multiplier 1. `scale`/`shift` 0 mean
 * none (1 and 0); a bias is a shift without scale. `act`: 0 none, 1 relu, 2 relu6.
 * Units: output rows over the batch (`N * OH`). Scratch: a row-pointer table
 * (`KH` words, padded to 16 bytes) then a zero row of `W * C` floats, or the channel-tiled layout
 * (`tiledScratchBytes` in the wrapper).
 */
export function forwardNhwc(
  pp: usize, x: usize, k: usize, scale: usize, shift: usize, out: usize, act: i32,
  start: i32, end: i32, scratch: usize,
): void {
  const H = param(pp, P_IN_H);
  const W = param(pp, P_IN_W);
  const C = param(pp, P_IN_C);
  const KH = param(pp, P_K_H);
  const KW = param(pp, P_K_W);
  const SH = param(pp, P_S_H);
  const SW = param(pp, P_S_W);
  const DH = param(pp, P_D_H);
  const DW = param(pp, P_D_W);
  const PT = param(pp, P_PAD_T);
  const PL = param(pp, P_PAD_L);
  const OH = param(pp, P_OUT_H);
  const OW = param(pp, P_OUT_W);
  const rows = scratch;
  const zero = scratch + rowTableBytes(KH);
  let zeroed = false;

  // Output columns whose whole window row lies inside the input: [oxA, oxB).
  let oxA = PL <= 0 ? 0 : (PL + SW - 1) / SW;
  const lastRoom = W - 1 - (KW - 1) * DW + PL;
  let oxB = lastRoom < 0 ? 0 : lastRoom / SW + 1;
  oxB = min(oxB, OW);
  oxA = min(oxA, oxB);
  const lo = lowerClamp(act);
  const hi = upperClamp(act);

  // Undilated windows over enough channels run channel-tiled on padded row copies (see forwardTiled).
  if (DH === 1 && DW === 1 && PL >= 0 && C >= tiledChannelsMin(KH, KW, SW)) {
    if (KH === 3 && KW === 3) {
      forwardTiled3x3(scratch, x, k, scale, shift, lo, hi, out, H, W, C, SH, SW, PT, PL, OH, OW, start, end);
      return;
    }
    forwardTiled(scratch, x, k, scale, shift, lo, hi, out, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW, start, end);
    return;
  }
  const packed = zero + (<usize>(W * C) << 2);
  if (KH === 3 && KW === 3 && C >= BLOCK_CHANNELS_MAX && start < end) packKernel3x3(k, packed, C);
  for (let u = start; u < end; u++) {
    const n = u / OH;
    const oy = u - n * OH;
    zeroed = setRows(rows, zero, zeroed, x, n, oy * SH - PT, H, W, C, KH, DH);
    const o = out + (<usize>(u * OW * C) << 2);
    if (C < 4) {
      forwardRowScalar(rows, k, scale, shift, lo, hi, o, W, C, KH, KW, OW, SW, DW, PL);
    } else if (KH === 3 && KW === 3) {
      forwardRow3x3(rows, k, packed, scale, shift, lo, hi, o, W, C, OW, SW, DW, PL, oxA, oxB);
    } else {
      forwardRowGeneral(rows, k, scale, shift, lo, hi, o, W, C, KH, KW, OW, SW, DW, PL, oxA, oxB);
    }
  }
}

/**
 * Undilated 3x3 window, many channels: channel tiles of at most `TILE_CHANNELS_MAX` (stride 1) or
 * `TILE_CHANNELS_MAX_STRIDED` outermost. For C >= 512 pixels
 * are 2-4 KiB apart, so the nine input lines, the kernel lines and the output line at one channel offset
 * all compete for the same L1 set, and a 4 KiB stride defeats the prefetchers. Each tile therefore copies
 * the input rows its output rows need into a ring of three rows in scratch, `tileChannels(C) * 4` bytes per
 * pixel, with the horizontal padding as zero columns (so no border path), and the tile's kernel into nine
 * contiguous rows; the 4-pixel blocked loop of the narrow layers then runs on those L1-resident copies.
 * Ring slot `iy % 3` holds input row `iy` (three consecutive rows never share a slot), tagged with its
 * global row so consecutive output rows of the range reuse it. Scratch layout: `tiledScratchBytes` in the
 * wrapper (forwardTiled's layout for a 3x3 window, without its row table).
 */
function forwardTiled3x3(
  scratch: usize, x: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, out: usize,
  H: i32, W: i32, C: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32, start: i32, end: i32,
): void {
  const T = tileChannels(C, SW === 1 ? TILE_CHANNELS_MAX : TILE_CHANNELS_MAX_STRIDED);
  // A literal tile width lets the compiler fold the tile offsets and bound the channel loop (~7% faster).
  if (T === TILE_CHANNELS_MAX_STRIDED) {
    tiledPasses3x3(scratch, x, k, scale, shift, lo, hi, out, H, W, C, SH, SW, PT, PL, OH, OW, start, end, TILE_CHANNELS_MAX_STRIDED);
  } else if (T === TILE_CHANNELS_MAX) {
    tiledPasses3x3(scratch, x, k, scale, shift, lo, hi, out, H, W, C, SH, SW, PT, PL, OH, OW, start, end, TILE_CHANNELS_MAX);
  } else {
    tiledPasses3x3(scratch, x, k, scale, shift, lo, hi, out, H, W, C, SH, SW, PT, PL, OH, OW, start, end, T);
  }
}

/** The body of forwardTiled3x3 for tiles of `T` channels. */
@inline function tiledPasses3x3(
  scratch: usize, x: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, out: usize,
  H: i32, W: i32, C: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32, start: i32, end: i32, T: i32,
): void {
  const ts = <usize>T << 2;
  const cs = <usize>C << 2;
  const Wp = tileRowPixels(W, 3, SW, PL, OW);
  const rowBytes = <usize>Wp * ts;
  const kpk = scratch;
  const ring = kpk + 9 * ts;
  const zrow = ring + 3 * rowBytes;
  const tags = zrow + rowBytes;
  const pix = <usize>SW * ts;
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  // Padding columns and the zero row are never written after this.
  memory.fill(ring, 0, 4 * rowBytes);
  for (let t0 = 0; t0 < C; t0 += T) {
    const tb = <usize>min(t0, C - T) << 2;
    for (let tap = 0; tap < 9; tap++) {
      const src = k + <usize>tap * cs + tb;
      const dst = kpk + <usize>tap * ts;
      for (let c: usize = 0; c < ts; c += 16) v128.store(dst + c, v128.load(src + c));
    }
    store<i32>(tags, -1);
    store<i32>(tags, -1, 4);
    store<i32>(tags, -1, 8);
    for (let u = start; u < end; u++) {
      const n = u / OH;
      const oy = u - n * OH;
      const iy0 = oy * SH - PT;
      const p0 = tileRow(ring, zrow, tags, x, n, iy0, H, W, 3, cs, tb, ts, rowBytes, PL);
      const p1 = tileRow(ring, zrow, tags, x, n, iy0 + 1, H, W, 3, cs, tb, ts, rowBytes, PL);
      const p2 = tileRow(ring, zrow, tags, x, n, iy0 + 2, H, W, 3, cs, tb, ts, rowBytes, PL);
      const o = out + <usize>(u * OW) * cs + tb;
      let ox = 0;
      for (; ox + 4 <= OW; ox += 4) {
        const xoff = <usize>ox * pix;
        const op = o + <usize>ox * cs;
        for (let cb: usize = 0; cb < ts; cb += 16) {
          let a0 = f32x4.splat(0);
          let a1 = f32x4.splat(0);
          let a2 = f32x4.splat(0);
          let a3 = f32x4.splat(0);
          if (SW === 1) {
            for (let ky = 0; ky < 3; ky++) {
              const xp = (ky === 0 ? p0 : ky === 1 ? p1 : p2) + xoff + cb;
              const kp = kpk + cb + <usize>ky * 3 * ts;
              const k0 = v128.load(kp);
              const k1 = v128.load(kp + ts);
              const k2 = v128.load(kp + 2 * ts);
              const x0 = v128.load(xp);
              const x1 = v128.load(xp + ts);
              const x2 = v128.load(xp + 2 * ts);
              const x3 = v128.load(xp + 3 * ts);
              const x4 = v128.load(xp + 4 * ts);
              const x5 = v128.load(xp + 5 * ts);
              a0 = f32x4.add(a0, f32x4.add(f32x4.add(f32x4.mul(x0, k0), f32x4.mul(x1, k1)), f32x4.mul(x2, k2)));
              a1 = f32x4.add(a1, f32x4.add(f32x4.add(f32x4.mul(x1, k0), f32x4.mul(x2, k1)), f32x4.mul(x3, k2)));
              a2 = f32x4.add(a2, f32x4.add(f32x4.add(f32x4.mul(x2, k0), f32x4.mul(x3, k1)), f32x4.mul(x4, k2)));
              a3 = f32x4.add(a3, f32x4.add(f32x4.add(f32x4.mul(x3, k0), f32x4.mul(x4, k1)), f32x4.mul(x5, k2)));
            }
          } else if (SW === 2) {
            for (let ky = 0; ky < 3; ky++) {
              const xp = (ky === 0 ? p0 : ky === 1 ? p1 : p2) + xoff + cb;
              const kp = kpk + cb + <usize>ky * 3 * ts;
              const k0 = v128.load(kp);
              const k1 = v128.load(kp + ts);
              const k2 = v128.load(kp + 2 * ts);
              const x0 = v128.load(xp);
              const x1 = v128.load(xp + ts);
              const x2 = v128.load(xp + 2 * ts);
              const x3 = v128.load(xp + 3 * ts);
              const x4 = v128.load(xp + 4 * ts);
              const x5 = v128.load(xp + 5 * ts);
              const x6 = v128.load(xp + 6 * ts);
              const x7 = v128.load(xp + 7 * ts);
              const x8 = v128.load(xp + 8 * ts);
              a0 = f32x4.add(a0, f32x4.add(f32x4.add(f32x4.mul(x0, k0), f32x4.mul(x1, k1)), f32x4.mul(x2, k2)));
              a1 = f32x4.add(a1, f32x4.add(f32x4.add(f32x4.mul(x2, k0), f32x4.mul(x3, k1)), f32x4.mul(x4, k2)));
              a2 = f32x4.add(a2, f32x4.add(f32x4.add(f32x4.mul(x4, k0), f32x4.mul(x5, k1)), f32x4.mul(x6, k2)));
              a3 = f32x4.add(a3, f32x4.add(f32x4.add(f32x4.mul(x6, k0), f32x4.mul(x7, k1)), f32x4.mul(x8, k2)));
            }
          } else {
            let kp = kpk + cb;
            for (let ky = 0; ky < 3; ky++) {
              const xp = (ky === 0 ? p0 : ky === 1 ? p1 : p2) + xoff + cb;
              let kv = v128.load(kp);
              a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), kv));
              a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + pix), kv));
              a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + 2 * pix), kv));
              a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + 3 * pix), kv));
              kv = v128.load(kp + ts);
              a0 = f32x4.add(a0, f32x4.mul(v128.load(xp + ts), kv));
              a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + ts + pix), kv));
              a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + ts + 2 * pix), kv));
              a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + ts + 3 * pix), kv));
              kv = v128.load(kp + 2 * ts);
              a0 = f32x4.add(a0, f32x4.mul(v128.load(xp + 2 * ts), kv));
              a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + 2 * ts + pix), kv));
              a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + 2 * ts + 2 * pix), kv));
              a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + 2 * ts + 3 * pix), kv));
              kp += 3 * ts;
            }
          }
          const sc = scale !== 0 ? v128.load(scale + tb + cb) : f32x4.splat(1);
          const sh = shift !== 0 ? v128.load(shift + tb + cb) : f32x4.splat(0);
          v128.store(op + cb, epilogue4(a0, sc, sh, vlo, vhi));
          v128.store(op + cb + cs, epilogue4(a1, sc, sh, vlo, vhi));
          v128.store(op + cb + 2 * cs, epilogue4(a2, sc, sh, vlo, vhi));
          v128.store(op + cb + 3 * cs, epilogue4(a3, sc, sh, vlo, vhi));
        }
      }
      for (; ox < OW; ox++) {
        const xoff = <usize>ox * pix;
        const op = o + <usize>ox * cs;
        for (let cb: usize = 0; cb < ts; cb += 16) {
          const q0 = p0 + xoff + cb;
          const q1 = p1 + xoff + cb;
          const q2 = p2 + xoff + cb;
          const kp = kpk + cb;
          let a0 = f32x4.mul(v128.load(q0), v128.load(kp));
          let a1 = f32x4.mul(v128.load(q1), v128.load(kp + 3 * ts));
          let a2 = f32x4.mul(v128.load(q2), v128.load(kp + 6 * ts));
          a0 = f32x4.add(a0, f32x4.mul(v128.load(q0 + ts), v128.load(kp + ts)));
          a1 = f32x4.add(a1, f32x4.mul(v128.load(q1 + ts), v128.load(kp + 4 * ts)));
          a2 = f32x4.add(a2, f32x4.mul(v128.load(q2 + ts), v128.load(kp + 7 * ts)));
          a0 = f32x4.add(a0, f32x4.mul(v128.load(q0 + 2 * ts), v128.load(kp + 2 * ts)));
          a1 = f32x4.add(a1, f32x4.mul(v128.load(q1 + 2 * ts), v128.load(kp + 5 * ts)));
          a2 = f32x4.add(a2, f32x4.mul(v128.load(q2 + 2 * ts), v128.load(kp + 8 * ts)));
          const sc = scale !== 0 ? v128.load(scale + tb + cb) : f32x4.splat(1);
          const sh = shift !== 0 ? v128.load(shift + tb + cb) : f32x4.splat(0);
          v128.store(op + cb, epilogue4(f32x4.add(f32x4.add(a0, a1), a2), sc, sh, vlo, vhi));
        }
      }
    }
  }
}

/**
 * Undilated window of any other size: channel tiles of at most `TILE_CHANNELS_MAX` outermost. For
 * C >= 512 pixels are 2-4 KiB apart, so a window's input lines, the kernel lines and the output line at one
 * channel offset all compete for the same L1 set, and a 4 KiB stride defeats the prefetchers. Each tile
 * therefore copies the input rows its output rows need into a ring of `KH` rows in scratch,
 * `tileChannels(C) * 4` bytes per pixel, with the horizontal padding as zero columns (so no border path),
 * and the tile's kernel into `KH * KW` contiguous rows; blocks of four output pixels then run on those
 * cache-resident copies (the kernel tile of a 7x7 is 12.5 KiB, the ring of seven 56-pixel rows in L2).
 * Ring slot `iy % KH` holds input row `iy` (`KH` consecutive rows never share a
 * slot), tagged with its global row so consecutive output rows of the range reuse it.
 * Scratch layout: `tiledScratchBytes` in the wrapper.
 */
function forwardTiled(
  scratch: usize, x: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, out: usize,
  H: i32, W: i32, C: i32, KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32,
  start: i32, end: i32,
): void {
  const T = tileChannels(C, TILE_CHANNELS_MAX);
  // A literal tile width lets the compiler fold the tile offsets and bound the channel loop (as in
  // forwardTiled3x3; literal window widths measured no faster, so they are not specialised).
  if (T === TILE_CHANNELS_MAX) {
    tiledPasses(scratch, x, k, scale, shift, lo, hi, out, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW, start, end, TILE_CHANNELS_MAX);
  } else {
    tiledPasses(scratch, x, k, scale, shift, lo, hi, out, H, W, C, KH, KW, SH, SW, PT, PL, OH, OW, start, end, T);
  }
}

/** The body of forwardTiled for tiles of `T` channels. */
@inline function tiledPasses(
  scratch: usize, x: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, out: usize,
  H: i32, W: i32, C: i32, KH: i32, KW: i32, SH: i32, SW: i32, PT: i32, PL: i32, OH: i32, OW: i32,
  start: i32, end: i32, T: i32,
): void {
  const ts = <usize>T << 2;
  const cs = <usize>C << 2;
  const Wp = tileRowPixels(W, KW, SW, PL, OW);
  const rowBytes = <usize>Wp * ts;
  const taps = KH * KW;
  const kpk = scratch;
  const ring = kpk + <usize>taps * ts;
  const zrow = ring + <usize>KH * rowBytes;
  const tags = zrow + rowBytes;
  const rtab = tags + ((<usize>KH * 4 + 15) & ~15);
  const pix = <usize>SW * ts;
  const kRow = <usize>KW * ts;
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  // Padding columns and the zero row are never written after this.
  memory.fill(ring, 0, <usize>(KH + 1) * rowBytes);
  for (let t0 = 0; t0 < C; t0 += T) {
    const tb = <usize>min(t0, C - T) << 2;
    for (let tap = 0; tap < taps; tap++) {
      const src = k + <usize>tap * cs + tb;
      const dst = kpk + <usize>tap * ts;
      for (let c: usize = 0; c < ts; c += 16) v128.store(dst + c, v128.load(src + c));
    }
    for (let ky = 0; ky < KH; ky++) store<i32>(tags + (<usize>ky << 2), -1);
    for (let u = start; u < end; u++) {
      const n = u / OH;
      const oy = u - n * OH;
      const iy0 = oy * SH - PT;
      for (let ky = 0; ky < KH; ky++) {
        store<usize>(rtab + (<usize>ky << 2), tileRow(ring, zrow, tags, x, n, iy0 + ky, H, W, KH, cs, tb, ts, rowBytes, PL));
      }
      const o = out + <usize>(u * OW) * cs + tb;
      let ox = 0;
      for (; ox + 4 <= OW; ox += 4) {
        const xoff = <usize>ox * pix;
        const op = o + <usize>ox * cs;
        for (let cb: usize = 0; cb < ts; cb += 16) {
          let a0 = f32x4.splat(0);
          let a1 = f32x4.splat(0);
          let a2 = f32x4.splat(0);
          let a3 = f32x4.splat(0);
          let kp = kpk + cb;
          for (let ky = 0; ky < KH; ky++) {
            const xp = load<usize>(rtab + (<usize>ky << 2)) + xoff + cb;
            if (SW === 1) {
              // Sliding window over taps in pairs: columns c0..c3 are the four pixels' inputs at tap kx,
              // so a pair of taps loads two new columns (KW + 4 loads per row instead of 4 * KW).
              let c0 = v128.load(xp);
              let c1 = v128.load(xp + ts);
              let c2 = v128.load(xp + 2 * ts);
              let c3 = v128.load(xp + 3 * ts);
              let q = xp + 4 * ts;
              let kx = 0;
              for (; kx + 1 < KW; kx += 2) {
                const k0 = v128.load(kp);
                const k1 = v128.load(kp + ts);
                const c4 = v128.load(q);
                const c5 = v128.load(q + ts);
                a0 = f32x4.add(a0, f32x4.add(f32x4.mul(c0, k0), f32x4.mul(c1, k1)));
                a1 = f32x4.add(a1, f32x4.add(f32x4.mul(c1, k0), f32x4.mul(c2, k1)));
                a2 = f32x4.add(a2, f32x4.add(f32x4.mul(c2, k0), f32x4.mul(c3, k1)));
                a3 = f32x4.add(a3, f32x4.add(f32x4.mul(c3, k0), f32x4.mul(c4, k1)));
                c0 = c2;
                c1 = c3;
                c2 = c4;
                c3 = c5;
                q += 2 * ts;
                kp += 2 * ts;
              }
              if (kx < KW) {
                const k0 = v128.load(kp);
                a0 = f32x4.add(a0, f32x4.mul(c0, k0));
                a1 = f32x4.add(a1, f32x4.mul(c1, k0));
                a2 = f32x4.add(a2, f32x4.mul(c2, k0));
                a3 = f32x4.add(a3, f32x4.mul(c3, k0));
                kp += ts;
              }
              continue;
            } else if (SW === 2) {
              // Even and odd columns slide separately: pixel i reads column 2i + kx, so a pair of taps
              // loads two new columns (KW + 7 loads per row instead of 4 * KW).
              let e0 = v128.load(xp);
              let e1 = v128.load(xp + 2 * ts);
              let e2 = v128.load(xp + 4 * ts);
              let e3 = v128.load(xp + 6 * ts);
              let d0 = v128.load(xp + ts);
              let d1 = v128.load(xp + 3 * ts);
              let d2 = v128.load(xp + 5 * ts);
              let d3 = v128.load(xp + 7 * ts);
              let q = xp + 8 * ts;
              let kx = 0;
              for (; kx + 1 < KW; kx += 2) {
                const k0 = v128.load(kp);
                const k1 = v128.load(kp + ts);
                a0 = f32x4.add(a0, f32x4.add(f32x4.mul(e0, k0), f32x4.mul(d0, k1)));
                a1 = f32x4.add(a1, f32x4.add(f32x4.mul(e1, k0), f32x4.mul(d1, k1)));
                a2 = f32x4.add(a2, f32x4.add(f32x4.mul(e2, k0), f32x4.mul(d2, k1)));
                a3 = f32x4.add(a3, f32x4.add(f32x4.mul(e3, k0), f32x4.mul(d3, k1)));
                e0 = e1;
                e1 = e2;
                e2 = e3;
                e3 = v128.load(q);
                d0 = d1;
                d1 = d2;
                d2 = d3;
                d3 = v128.load(q + ts);
                q += 2 * ts;
                kp += 2 * ts;
              }
              if (kx < KW) {
                const k0 = v128.load(kp);
                a0 = f32x4.add(a0, f32x4.mul(e0, k0));
                a1 = f32x4.add(a1, f32x4.mul(e1, k0));
                a2 = f32x4.add(a2, f32x4.mul(e2, k0));
                a3 = f32x4.add(a3, f32x4.mul(e3, k0));
                kp += ts;
              }
              continue;
            } else {
              let q = xp;
              for (let kx = 0; kx < KW; kx++) {
                const kv = v128.load(kp + <usize>kx * ts);
                a0 = f32x4.add(a0, f32x4.mul(v128.load(q), kv));
                a1 = f32x4.add(a1, f32x4.mul(v128.load(q + pix), kv));
                a2 = f32x4.add(a2, f32x4.mul(v128.load(q + 2 * pix), kv));
                a3 = f32x4.add(a3, f32x4.mul(v128.load(q + 3 * pix), kv));
                q += ts;
              }
            }
            kp += kRow;
          }
          const sc = scale !== 0 ? v128.load(scale + tb + cb) : f32x4.splat(1);
          const sh = shift !== 0 ? v128.load(shift + tb + cb) : f32x4.splat(0);
          v128.store(op + cb, epilogue4(a0, sc, sh, vlo, vhi));
          v128.store(op + cb + cs, epilogue4(a1, sc, sh, vlo, vhi));
          v128.store(op + cb + 2 * cs, epilogue4(a2, sc, sh, vlo, vhi));
          v128.store(op + cb + 3 * cs, epilogue4(a3, sc, sh, vlo, vhi));
        }
      }
      for (; ox < OW; ox++) {
        const xoff = <usize>ox * pix;
        const op = o + <usize>ox * cs;
        for (let cb: usize = 0; cb < ts; cb += 16) {
          let a0 = f32x4.splat(0);
          let a1 = f32x4.splat(0);
          let kp = kpk + cb;
          for (let ky = 0; ky < KH; ky++) {
            let q = load<usize>(rtab + (<usize>ky << 2)) + xoff + cb;
            let kx = 0;
            for (; kx + 1 < KW; kx += 2) {
              a0 = f32x4.add(a0, f32x4.mul(v128.load(q), v128.load(kp)));
              a1 = f32x4.add(a1, f32x4.mul(v128.load(q + ts), v128.load(kp + ts)));
              q += 2 * ts;
              kp += 2 * ts;
            }
            if (kx < KW) {
              a0 = f32x4.add(a0, f32x4.mul(v128.load(q), v128.load(kp)));
              kp += ts;
            }
          }
          const sc = scale !== 0 ? v128.load(scale + tb + cb) : f32x4.splat(1);
          const sh = shift !== 0 ? v128.load(shift + tb + cb) : f32x4.splat(0);
          v128.store(op + cb, epilogue4(f32x4.add(a0, a1), sc, sh, vlo, vhi));
        }
      }
    }
  }
}

/** Ring row holding input row `iy` of image `n` for the tile at byte offset `tb` (copied on a tag miss), or the zero row. */
@inline function tileRow(
  ring: usize, zrow: usize, tags: usize, x: usize, n: i32, iy: i32, H: i32, W: i32, KH: i32, cs: usize, tb: usize,
  ts: usize, rowBytes: usize, PL: i32,
): usize {
  if (iy < 0 || iy >= H) return zrow;
  const slot = <usize>(iy % KH);
  const r = ring + slot * rowBytes;
  const g = n * H + iy;
  if (load<i32>(tags + (slot << 2)) !== g) {
    store<i32>(tags + (slot << 2), g);
    let src = x + <usize>(g * W) * cs + tb;
    let dst = r + <usize>PL * ts;
    for (let ix = 0; ix < W; ix++) {
      for (let c: usize = 0; c < ts; c += 16) v128.store(dst + c, v128.load(src + c));
      src += cs;
      dst += ts;
    }
  }
  return r;
}

/**
 * Channels per tile: `C` split into equal tiles of at most `tmax`, rounded up to whole vectors
 * (the last tile then overlaps its neighbour by fewer than four channels per tile), never above `C`.
 */
@inline function tileChannels(C: i32, tmax: i32): i32 {
  const tiles = (C + tmax - 1) / tmax;
  return min(((C + tiles - 1) / tiles + 3) & ~3, C & ~3);
}

/**
 * Pixels per ring row of the tiled forwards: the image plus the zero columns every window reaches, plus two
 * columns that the sliding loops may load past the last tap (and never use).
 */
@inline function tileRowPixels(W: i32, KW: i32, SW: i32, PL: i32, OW: i32): i32 {
  return PL + max(W, (OW - 1) * SW + KW - PL) + 2;
}

/**
 * `packed[g][t] = k[t][4g .. 4g+4]` for the nine taps `t` of a 3x3 kernel: each channel group's taps in 144
 * consecutive bytes, slot `c / 4` (the last group reads channels `C - 4 ..`, like the kernels' channel loops,
 * but keeps its own slot: packing at `(C - 4) * 36` bytes would overlap the previous group's taps).
 */
function packKernel3x3(k: usize, packed: usize, C: i32): void {
  const cs = <usize>C << 2;
  for (let c = 0; c < C; c += 4) {
    const cc = min(c, C - 4);
    const src = k + (<usize>cc << 2);
    const dst = packed + (<usize>c >> 2) * 144;
    for (let t = 0; t < 9; t++) v128.store(dst + (<usize>t << 4), v128.load(src + <usize>t * cs));
  }
}

/**
 * One output row of a 3x3 window, C >= 4. Pixels outermost in blocks of four, channel groups inside, so
 * every access walks memory contiguously (a channel-outer order strides by `C * 4` bytes per pixel, which
 * aliases in L1 for C = 512, 1024). Within a block each kernel vector is loaded once for four pixels and
 * four independent accumulation chains hide the add latency: 9 kernel + 36 input loads per 36
 * multiply-adds of four lanes.
 */
function forwardRow3x3(
  rows: usize, k: usize, packed: usize, scale: usize, shift: usize, lo: f32, hi: f32, o: usize,
  W: i32, C: i32, OW: i32, SW: i32, DW: i32, PL: i32, oxA: i32, oxB: i32,
): void {
  const r0 = load<usize>(rows);
  const r1 = load<usize>(rows, 4);
  const r2 = load<usize>(rows, 8);
  const cs = <usize>C << 2;
  const col = <usize>DW * cs;
  const pix = <usize>SW * cs;
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  for (let ox = 0; ox < oxA; ox++) borderPixel(rows, k, scale, shift, vlo, vhi, o, ox, W, C, 3, 3, SW, DW, PL);
  let ox = oxA;
  // Wide pixel rows (C >= 512: 2 KiB apart) alias in L1 when four pixels' 18 input lines are live at once.
  const wide = C >= BLOCK_CHANNELS_MAX;
  const blockEnd = wide ? oxA : oxB;
  for (; ox + 4 <= blockEnd; ox += 4) {
    const xoff = <usize>(ox * SW - PL) * cs;
    const op = o + <usize>ox * cs;
    for (let c = 0; c < C; c += 4) {
      const cb = <usize>min(c, C - 4) << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let kp = k + cb;
      // Row ky of the window, three taps, four pixels.
      for (let ky = 0; ky < 3; ky++) {
        const xp = load<usize>(rows + (<usize>ky << 2)) + xoff + cb;
        let kv = v128.load(kp);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), kv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + pix), kv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + 2 * pix), kv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + 3 * pix), kv));
        kv = v128.load(kp + cs);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(xp + col), kv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + col + pix), kv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + col + 2 * pix), kv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + col + 3 * pix), kv));
        kv = v128.load(kp + 2 * cs);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(xp + 2 * col), kv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + 2 * col + pix), kv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + 2 * col + 2 * pix), kv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + 2 * col + 3 * pix), kv));
        kp += 3 * cs;
      }
      const sc = scale !== 0 ? v128.load(scale + cb) : f32x4.splat(1);
      const sh = shift !== 0 ? v128.load(shift + cb) : f32x4.splat(0);
      v128.store(op + cb, epilogue4(a0, sc, sh, vlo, vhi));
      v128.store(op + cb + cs, epilogue4(a1, sc, sh, vlo, vhi));
      v128.store(op + cb + 2 * cs, epilogue4(a2, sc, sh, vlo, vhi));
      v128.store(op + cb + 3 * cs, epilogue4(a3, sc, sh, vlo, vhi));
    }
  }
  for (; ox < oxB; ox++) {
    const xoff = <usize>(ox * SW - PL) * cs;
    const op = o + <usize>ox * cs;
    for (let c = 0; c < C; c += 4) {
      const cc = min(c, C - 4);
      const cb = <usize>cc << 2;
      const p0 = r0 + xoff + cb;
      const p1 = r1 + xoff + cb;
      const p2 = r2 + xoff + cb;
      let a0: v128;
      let a1: v128;
      let a2: v128;
      if (wide) {
        const kp = packed + (<usize>c >> 2) * 144;
        a0 = f32x4.mul(v128.load(p0), v128.load(kp));
        a1 = f32x4.mul(v128.load(p1), v128.load(kp, 48));
        a2 = f32x4.mul(v128.load(p2), v128.load(kp, 96));
        a0 = f32x4.add(a0, f32x4.mul(v128.load(p0 + col), v128.load(kp, 16)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(p1 + col), v128.load(kp, 64)));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(p2 + col), v128.load(kp, 112)));
        a0 = f32x4.add(a0, f32x4.mul(v128.load(p0 + 2 * col), v128.load(kp, 32)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(p1 + 2 * col), v128.load(kp, 80)));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(p2 + 2 * col), v128.load(kp, 128)));
      } else {
        const kp = k + cb;
        a0 = f32x4.mul(v128.load(p0), v128.load(kp));
        a1 = f32x4.mul(v128.load(p1), v128.load(kp + 3 * cs));
        a2 = f32x4.mul(v128.load(p2), v128.load(kp + 6 * cs));
        a0 = f32x4.add(a0, f32x4.mul(v128.load(p0 + col), v128.load(kp + cs)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(p1 + col), v128.load(kp + 4 * cs)));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(p2 + col), v128.load(kp + 7 * cs)));
        a0 = f32x4.add(a0, f32x4.mul(v128.load(p0 + 2 * col), v128.load(kp + 2 * cs)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(p1 + 2 * col), v128.load(kp + 5 * cs)));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(p2 + 2 * col), v128.load(kp + 8 * cs)));
      }
      const sc = scale !== 0 ? v128.load(scale + cb) : f32x4.splat(1);
      const sh = shift !== 0 ? v128.load(shift + cb) : f32x4.splat(0);
      v128.store(op + cb, epilogue4(f32x4.add(f32x4.add(a0, a1), a2), sc, sh, vlo, vhi));
    }
  }
  for (ox = oxB; ox < OW; ox++) borderPixel(rows, k, scale, shift, vlo, vhi, o, ox, W, C, 3, 3, SW, DW, PL);
}

/**
 * One output row of any other window, C >= 4: the same pixel-block order as the 3x3 path, with the taps
 * in loops (blocks of four pixels share each kernel-vector load).
 */
function forwardRowGeneral(
  rows: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, o: usize,
  W: i32, C: i32, KH: i32, KW: i32, OW: i32, SW: i32, DW: i32, PL: i32, oxA: i32, oxB: i32,
): void {
  const cs = <usize>C << 2;
  const col = <usize>DW * cs;
  const pix = <usize>SW * cs;
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  for (let ox = 0; ox < oxA; ox++) borderPixel(rows, k, scale, shift, vlo, vhi, o, ox, W, C, KH, KW, SW, DW, PL);
  let ox = oxA;
  for (; ox + 4 <= oxB; ox += 4) {
    const xoff = <usize>(ox * SW - PL) * cs;
    const op = o + <usize>ox * cs;
    for (let c = 0; c < C; c += 4) {
      const cb = <usize>min(c, C - 4) << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let kp = k + cb;
      for (let ky = 0; ky < KH; ky++) {
        let xp = load<usize>(rows + (<usize>ky << 2)) + xoff + cb;
        for (let kx = 0; kx < KW; kx++) {
          const kv = v128.load(kp);
          a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), kv));
          a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + pix), kv));
          a2 = f32x4.add(a2, f32x4.mul(v128.load(xp + 2 * pix), kv));
          a3 = f32x4.add(a3, f32x4.mul(v128.load(xp + 3 * pix), kv));
          xp += col;
          kp += cs;
        }
      }
      const sc = scale !== 0 ? v128.load(scale + cb) : f32x4.splat(1);
      const sh = shift !== 0 ? v128.load(shift + cb) : f32x4.splat(0);
      v128.store(op + cb, epilogue4(a0, sc, sh, vlo, vhi));
      v128.store(op + cb + cs, epilogue4(a1, sc, sh, vlo, vhi));
      v128.store(op + cb + 2 * cs, epilogue4(a2, sc, sh, vlo, vhi));
      v128.store(op + cb + 3 * cs, epilogue4(a3, sc, sh, vlo, vhi));
    }
  }
  for (; ox < oxB; ox++) borderPixel(rows, k, scale, shift, vlo, vhi, o, ox, W, C, KH, KW, SW, DW, PL);
  for (ox = oxB; ox < OW; ox++) borderPixel(rows, k, scale, shift, vlo, vhi, o, ox, W, C, KH, KW, SW, DW, PL);
}

/**
 * One output pixel, all channels (C >= 4), any window, reading only the in-bounds columns `[kx0, kx1)`
 * (rows outside the image are the zero row).
 */
function borderPixel(
  rows: usize, k: usize, scale: usize, shift: usize, lo: v128, hi: v128, o: usize, ox: i32,
  W: i32, C: i32, KH: i32, KW: i32, SW: i32, DW: i32, PL: i32,
): void {
  const cs = <usize>C << 2;
  const col = <usize>DW * cs;
  const ix0 = ox * SW - PL;
  const kx0 = firstInside(ix0, DW);
  const kx1 = endInside(ix0, DW, W, KW);
  const xoff = <usize>(ix0 + kx0 * DW) * cs;
  const op = o + <usize>ox * cs;
  for (let c = 0; c < C; c += 4) {
    const cb = <usize>min(c, C - 4) << 2;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    for (let ky = 0; ky < KH; ky++) {
      let xp = load<usize>(rows + (<usize>ky << 2)) + xoff + cb;
      let kp = k + <usize>(ky * KW + kx0) * cs + cb;
      let kx = kx0;
      for (; kx + 1 < kx1; kx += 2) {
        a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), v128.load(kp)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + col), v128.load(kp + cs)));
        xp += 2 * col;
        kp += 2 * cs;
      }
      if (kx < kx1) a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), v128.load(kp)));
    }
    const sc = scale !== 0 ? v128.load(scale + cb) : f32x4.splat(1);
    const sh = shift !== 0 ? v128.load(shift + cb) : f32x4.splat(0);
    v128.store(op + cb, epilogue4(f32x4.add(a0, a1), sc, sh, lo, hi));
  }
}

/** Fewer than four channels: scalar, any window. */
function forwardRowScalar(
  rows: usize, k: usize, scale: usize, shift: usize, lo: f32, hi: f32, o: usize,
  W: i32, C: i32, KH: i32, KW: i32, OW: i32, SW: i32, DW: i32, PL: i32,
): void {
  const cs = <usize>C << 2;
  const col = <usize>DW * cs;
  for (let ox = 0; ox < OW; ox++) {
    const ix0 = ox * SW - PL;
    const kx0 = firstInside(ix0, DW);
    const kx1 = endInside(ix0, DW, W, KW);
    for (let c = 0; c < C; c++) {
      const cb = <usize>c << 2;
      let acc: f32 = 0;
      if (kx0 < kx1) {
        const xoff = <usize>(ix0 + kx0 * DW) * cs + cb;
        for (let ky = 0; ky < KH; ky++) {
          let xp = load<usize>(rows + (<usize>ky << 2)) + xoff;
          let kp = k + <usize>(ky * KW + kx0) * cs + cb;
          for (let kx = kx0; kx < kx1; kx++) {
            acc += load<f32>(xp) * load<f32>(kp);
            xp += col;
            kp += cs;
          }
        }
      }
      const sc: f32 = scale !== 0 ? load<f32>(scale + cb) : 1;
      const sh: f32 = shift !== 0 ? load<f32>(shift + cb) : 0;
      store<f32>(o + <usize>ox * cs + cb, epilogue1(acc, sc, sh, lo, hi));
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Backward w.r.t. the input: a gather, dx[n, iy, ix, c] = sum over taps whose sampling point is (iy, ix).
// (With stride 1 the wrapper runs `forwardNhwc` with the kernel rotated 180 degrees instead.)
// ---------------------------------------------------------------------------------------------------

/**
 * `dx` from `dy` and the kernel, NHWC, depth multiplier 1, any stride. Units: input rows over the batch
 * (`N * H`); each unit writes its own dx row only. Scratch: `8 * (KH + KW)` bytes
 * (the (offset, offset) pairs of the taps that reach the current row and column).
 */
export function backwardInputNhwc(pp: usize, dy: usize, k: usize, dx: usize, start: i32, end: i32, scratch: usize): void {
  const H = param(pp, P_IN_H);
  const W = param(pp, P_IN_W);
  const C = param(pp, P_IN_C);
  const KH = param(pp, P_K_H);
  const KW = param(pp, P_K_W);
  const SH = param(pp, P_S_H);
  const SW = param(pp, P_S_W);
  const DH = param(pp, P_D_H);
  const DW = param(pp, P_D_W);
  const PT = param(pp, P_PAD_T);
  const PL = param(pp, P_PAD_L);
  const OH = param(pp, P_OUT_H);
  const OW = param(pp, P_OUT_W);
  const cs = <usize>C << 2;
  // Pairs of words: (byte offset of the dy row, byte offset of the kernel row) and (dy column, kernel column).
  const rowList = scratch;
  const colList = scratch + (<usize>KH << 3);

  for (let u = start; u < end; u++) {
    const n = u / H;
    const iy = u - n * H;
    let nr = 0;
    for (let ky = 0; ky < KH; ky++) {
      const ty = iy + PT - ky * DH;
      if (ty < 0 || ty % SH !== 0) continue;
      const oy = ty / SH;
      if (oy >= OH) continue;
      store<usize>(rowList + (<usize>nr << 3), dy + <usize>((n * OH + oy) * OW) * cs);
      store<usize>(rowList + (<usize>nr << 3) + 4, k + <usize>(ky * KW) * cs);
      nr++;
    }
    const d = dx + <usize>(u * W) * cs;
    for (let ix = 0; ix < W; ix++) {
      let nc = 0;
      for (let kx = 0; kx < KW; kx++) {
        const tx = ix + PL - kx * DW;
        if (tx < 0 || tx % SW !== 0) continue;
        const ox = tx / SW;
        if (ox >= OW) continue;
        store<usize>(colList + (<usize>nc << 3), <usize>ox * cs);
        store<usize>(colList + (<usize>nc << 3) + 4, <usize>kx * cs);
        nc++;
      }
      const dp = d + <usize>ix * cs;
      if (C >= 4) {
        for (let c = 0; c < C; c += 4) {
          const cb = <usize>min(c, C - 4) << 2;
          let acc = f32x4.splat(0);
          for (let r = 0; r < nr; r++) {
            const gRow = load<usize>(rowList + (<usize>r << 3)) + cb;
            const kRow = load<usize>(rowList + (<usize>r << 3) + 4) + cb;
            for (let q = 0; q < nc; q++) {
              const gOff = load<usize>(colList + (<usize>q << 3));
              const kOff = load<usize>(colList + (<usize>q << 3) + 4);
              acc = f32x4.add(acc, f32x4.mul(v128.load(gRow + gOff), v128.load(kRow + kOff)));
            }
          }
          v128.store(dp + cb, acc);
        }
      } else {
        for (let c = 0; c < C; c++) {
          const cb = <usize>c << 2;
          let acc: f32 = 0;
          for (let r = 0; r < nr; r++) {
            const gRow = load<usize>(rowList + (<usize>r << 3)) + cb;
            const kRow = load<usize>(rowList + (<usize>r << 3) + 4) + cb;
            for (let q = 0; q < nc; q++) {
              acc += load<f32>(gRow + load<usize>(colList + (<usize>q << 3))) * load<f32>(kRow + load<usize>(colList + (<usize>q << 3) + 4));
            }
          }
          store<f32>(dp + cb, acc);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Backward w.r.t. the kernel
// ---------------------------------------------------------------------------------------------------

/**
 * `dkernel` from `x` and `dy`, NHWC, depth multiplier 1. Units: groups of four channels; a range writes
 * (overwrites) only `dkernel[:, :, 4*start .. min(4*end, C)]`. Scratch: as `forwardNhwc`'s.
 */
export function backwardKernelNhwc(pp: usize, x: usize, dy: usize, dk: usize, start: i32, end: i32, scratch: usize): void {
  const C = param(pp, P_IN_C);
  const KH = param(pp, P_K_H);
  const KW = param(pp, P_K_W);
  const c0 = start * 4;
  const c1 = min(end * 4, C);
  if (c0 >= c1) return;
  const cs = <usize>C << 2;
  for (let t = 0; t < KH * KW; t++) memory.fill(dk + <usize>t * cs + (<usize>c0 << 2), 0, <usize>(c1 - c0) << 2);
  if (KH === 3 && KW === 3) backwardKernel3x3(pp, x, dy, dk, c0, c1, scratch);
  else backwardKernelGeneral(pp, x, dy, dk, c0, c1);
}

/**
 * 3x3: per output row and channel group, the nine kernel-gradient sums of the interior pixels stay in
 * registers (one dy load and nine x loads per pixel), then are added to dkernel once per row.
 */
function backwardKernel3x3(pp: usize, x: usize, dy: usize, dk: usize, c0: i32, c1: i32, scratch: usize): void {
  const N = param(pp, P_BATCH);
  const H = param(pp, P_IN_H);
  const W = param(pp, P_IN_W);
  const C = param(pp, P_IN_C);
  const SH = param(pp, P_S_H);
  const SW = param(pp, P_S_W);
  const DH = param(pp, P_D_H);
  const DW = param(pp, P_D_W);
  const PT = param(pp, P_PAD_T);
  const PL = param(pp, P_PAD_L);
  const OH = param(pp, P_OUT_H);
  const OW = param(pp, P_OUT_W);
  const rows = scratch;
  const zero = scratch + rowTableBytes(3);
  let zeroed = false;
  let oxA = PL <= 0 ? 0 : (PL + SW - 1) / SW;
  const lastRoom = W - 1 - 2 * DW + PL;
  let oxB = lastRoom < 0 ? 0 : lastRoom / SW + 1;
  oxB = min(oxB, OW);
  oxA = min(oxA, oxB);
  const cs = <usize>C << 2;
  const col = <usize>DW * cs;
  const pix = <usize>SW * cs;
  const first = <usize>(oxA * SW - PL) * cs;
  const cFull = c0 + ((c1 - c0) & ~3);

  for (let u = 0; u < N * OH; u++) {
    const n = u / OH;
    const oy = u - n * OH;
    zeroed = setRows(rows, zero, zeroed, x, n, oy * SH - PT, H, W, C, 3, DH);
    const r0 = load<usize>(rows);
    const r1 = load<usize>(rows, 4);
    const r2 = load<usize>(rows, 8);
    const g = dy + <usize>(u * OW) * cs;
    for (let c = c0; c < cFull; c += 4) {
      const cb = <usize>c << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let a4 = f32x4.splat(0);
      let a5 = f32x4.splat(0);
      let a6 = f32x4.splat(0);
      let a7 = f32x4.splat(0);
      let a8 = f32x4.splat(0);
      let p0 = r0 + first + cb;
      let p1 = r1 + first + cb;
      let p2 = r2 + first + cb;
      let gp = g + <usize>oxA * cs + cb;
      for (let ox = oxA; ox < oxB; ox++) {
        const gv = v128.load(gp);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(p0), gv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(p0 + col), gv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(p0 + 2 * col), gv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(p1), gv));
        a4 = f32x4.add(a4, f32x4.mul(v128.load(p1 + col), gv));
        a5 = f32x4.add(a5, f32x4.mul(v128.load(p1 + 2 * col), gv));
        a6 = f32x4.add(a6, f32x4.mul(v128.load(p2), gv));
        a7 = f32x4.add(a7, f32x4.mul(v128.load(p2 + col), gv));
        a8 = f32x4.add(a8, f32x4.mul(v128.load(p2 + 2 * col), gv));
        p0 += pix;
        p1 += pix;
        p2 += pix;
        gp += cs;
      }
      const dp = dk + cb;
      v128.store(dp, f32x4.add(v128.load(dp), a0));
      v128.store(dp + cs, f32x4.add(v128.load(dp + cs), a1));
      v128.store(dp + 2 * cs, f32x4.add(v128.load(dp + 2 * cs), a2));
      v128.store(dp + 3 * cs, f32x4.add(v128.load(dp + 3 * cs), a3));
      v128.store(dp + 4 * cs, f32x4.add(v128.load(dp + 4 * cs), a4));
      v128.store(dp + 5 * cs, f32x4.add(v128.load(dp + 5 * cs), a5));
      v128.store(dp + 6 * cs, f32x4.add(v128.load(dp + 6 * cs), a6));
      v128.store(dp + 7 * cs, f32x4.add(v128.load(dp + 7 * cs), a7));
      v128.store(dp + 8 * cs, f32x4.add(v128.load(dp + 8 * cs), a8));
      for (let ox = 0; ox < oxA; ox++) kernelBorder3x3(r0, r1, r2, g, dp, cb, ox, W, cs, SW, DW, PL);
      for (let ox = oxB; ox < OW; ox++) kernelBorder3x3(r0, r1, r2, g, dp, cb, ox, W, cs, SW, DW, PL);
    }
    // Scalar tail: the last (partial) channel group of the range.
    for (let c = cFull; c < c1; c++) {
      const cb = <usize>c << 2;
      for (let ox = 0; ox < OW; ox++) {
        const gv = load<f32>(g + <usize>ox * cs + cb);
        const ix0 = ox * SW - PL;
        for (let kx = 0; kx < 3; kx++) {
          const ix = ix0 + kx * DW;
          if (ix < 0 || ix >= W) continue;
          const off = <usize>ix * cs + cb;
          const dp = dk + <usize>kx * cs + cb;
          store<f32>(dp, load<f32>(dp) + load<f32>(r0 + off) * gv);
          store<f32>(dp + 3 * cs, load<f32>(dp + 3 * cs) + load<f32>(r1 + off) * gv);
          store<f32>(dp + 6 * cs, load<f32>(dp + 6 * cs) + load<f32>(r2 + off) * gv);
        }
      }
    }
  }
}

/** A border pixel's contribution to the 3x3 kernel gradient of one channel group, straight into dkernel. */
@inline function kernelBorder3x3(
  r0: usize, r1: usize, r2: usize, g: usize, dp: usize, cb: usize, ox: i32, W: i32, cs: usize, SW: i32, DW: i32, PL: i32,
): void {
  const gv = v128.load(g + <usize>ox * cs + cb);
  const ix0 = ox * SW - PL;
  for (let kx = 0; kx < 3; kx++) {
    const ix = ix0 + kx * DW;
    if (ix < 0 || ix >= W) continue;
    const off = <usize>ix * cs + cb;
    const d = dp + <usize>kx * cs;
    v128.store(d, f32x4.add(v128.load(d), f32x4.mul(v128.load(r0 + off), gv)));
    v128.store(d + 3 * cs, f32x4.add(v128.load(d + 3 * cs), f32x4.mul(v128.load(r1 + off), gv)));
    v128.store(d + 6 * cs, f32x4.add(v128.load(d + 6 * cs), f32x4.mul(v128.load(r2 + off), gv)));
  }
}

/** Any window: per output row and tap, reduce the row's in-bounds pixels in registers, then add once. */
function backwardKernelGeneral(pp: usize, x: usize, dy: usize, dk: usize, c0: i32, c1: i32): void {
  const N = param(pp, P_BATCH);
  const H = param(pp, P_IN_H);
  const W = param(pp, P_IN_W);
  const C = param(pp, P_IN_C);
  const KH = param(pp, P_K_H);
  const KW = param(pp, P_K_W);
  const SH = param(pp, P_S_H);
  const SW = param(pp, P_S_W);
  const DH = param(pp, P_D_H);
  const DW = param(pp, P_D_W);
  const PT = param(pp, P_PAD_T);
  const PL = param(pp, P_PAD_L);
  const OH = param(pp, P_OUT_H);
  const OW = param(pp, P_OUT_W);
  const cs = <usize>C << 2;
  const xStep = <usize>SW * cs;
  const cFull = c0 + ((c1 - c0) & ~3);

  for (let u = 0; u < N * OH; u++) {
    const n = u / OH;
    const oy = u - n * OH;
    const iy0 = oy * SH - PT;
    const ky0 = firstInside(iy0, DH);
    const ky1 = endInside(iy0, DH, H, KH);
    const gRow = dy + <usize>(u * OW) * cs;
    for (let ky = ky0; ky < ky1; ky++) {
      const xRow = x + <usize>((n * H + iy0 + ky * DH) * W) * cs;
      for (let kx = 0; kx < KW; kx++) {
        const base = kx * DW - PL;
        const ox0 = firstInside(base, SW);
        const ox1 = endInside(base, SW, W, OW);
        if (ox0 >= ox1) continue;
        const dTap = dk + <usize>(ky * KW + kx) * cs;
        const xFirst = xRow + <usize>(base + ox0 * SW) * cs;
        const gFirst = gRow + <usize>ox0 * cs;
        for (let c = c0; c < cFull; c += 4) {
          const cb = <usize>c << 2;
          let xp = xFirst + cb;
          let gp = gFirst + cb;
          let a0 = f32x4.splat(0);
          let a1 = f32x4.splat(0);
          let ox = ox0;
          for (; ox + 1 < ox1; ox += 2) {
            a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), v128.load(gp)));
            a1 = f32x4.add(a1, f32x4.mul(v128.load(xp + xStep), v128.load(gp + cs)));
            xp += 2 * xStep;
            gp += 2 * cs;
          }
          if (ox < ox1) a0 = f32x4.add(a0, f32x4.mul(v128.load(xp), v128.load(gp)));
          const dp = dTap + cb;
          v128.store(dp, f32x4.add(v128.load(dp), f32x4.add(a0, a1)));
        }
        for (let c = cFull; c < c1; c++) {
          const cb = <usize>c << 2;
          let xp = xFirst + cb;
          let gp = gFirst + cb;
          let acc: f32 = 0;
          for (let ox = ox0; ox < ox1; ox++) {
            acc += load<f32>(xp) * load<f32>(gp);
            xp += xStep;
            gp += cs;
          }
          const dp = dTap + cb;
          store<f32>(dp, load<f32>(dp) + acc);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Backward w.r.t. the bias
// ---------------------------------------------------------------------------------------------------

/**
 * `dbias[o] = sum of dy[..., o]` over every pixel, NHWC. Units: groups of four output channels; a range
 * writes `dbias[4*start .. min(4*end, OC)]` only.
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

/** `dbias[o] = sum of dy[n, o, :, :]`, NCHW: a sum of contiguous planes. Units: output channels. */
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

// ---------------------------------------------------------------------------------------------------
// Depth multiplier > 1: repeat input channels, and fold repeated-channel gradients back.
// ---------------------------------------------------------------------------------------------------

/** `dst[p, c * DM + m] = src[p, c]`. Units: pixels. */
export function expandChannels(src: usize, dst: usize, C: i32, DM: i32, start: i32, end: i32, scratch: usize): void {
  const OC = C * DM;
  for (let p = start; p < end; p++) {
    const s = src + (<usize>(p * C) << 2);
    const d = dst + (<usize>(p * OC) << 2);
    let c = 0;
    if (DM === 2) {
      for (; c + 4 <= C; c += 4) {
        const v = v128.load(s + (<usize>c << 2));
        const db = d + (<usize>(c * 2) << 2);
        v128.store(db, v128.shuffle<f32>(v, v, 0, 0, 1, 1));
        v128.store(db, v128.shuffle<f32>(v, v, 2, 2, 3, 3), 16);
      }
    } else if ((DM & 3) === 0) {
      for (; c < C; c++) {
        const v = v128.load32_splat(s + (<usize>c << 2));
        const db = d + (<usize>(c * DM) << 2);
        for (let m = 0; m < DM; m += 4) v128.store(db + (<usize>m << 2), v);
      }
    }
    for (; c < C; c++) {
      const v = load<f32>(s + (<usize>c << 2));
      const db = d + (<usize>(c * DM) << 2);
      for (let m = 0; m < DM; m++) store<f32>(db + (<usize>m << 2), v);
    }
  }
}

/** `dst[p, c] = sum over m of src[p, c * DM + m]`. Units: pixels. */
export function reduceChannels(src: usize, dst: usize, C: i32, DM: i32, start: i32, end: i32, scratch: usize): void {
  const OC = C * DM;
  for (let p = start; p < end; p++) {
    const s = src + (<usize>(p * OC) << 2);
    const d = dst + (<usize>(p * C) << 2);
    let c = 0;
    if (DM === 2) {
      for (; c + 4 <= C; c += 4) {
        const sb = s + (<usize>(c * 2) << 2);
        const a = v128.load(sb);
        const b = v128.load(sb, 16);
        const even = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
        const odd = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        v128.store(d + (<usize>c << 2), f32x4.add(even, odd));
      }
    } else if ((DM & 3) === 0) {
      for (; c < C; c++) {
        const sb = s + (<usize>(c * DM) << 2);
        let acc = v128.load(sb);
        for (let m = 4; m < DM; m += 4) acc = f32x4.add(acc, v128.load(sb + (<usize>m << 2)));
        store<f32>(
          d + (<usize>c << 2),
          f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3),
        );
      }
    }
    for (; c < C; c++) {
      const sb = s + (<usize>(c * DM) << 2);
      let acc: f32 = 0;
      for (let m = 0; m < DM; m++) acc += load<f32>(sb + (<usize>m << 2));
      store<f32>(d + (<usize>c << 2), acc);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Layout conversion, so channels-first tensors can use the NHWC kernels: 4x4 SIMD transposes.
// ---------------------------------------------------------------------------------------------------

/** `dst[n, i, c] = src[n, c, i]` for `i < spatial`. Units: tiles of four pixels,
 * `N * ceil(spatial / 4)`. */
export function nchwToNhwc(src: usize, dst: usize, N: i32, C: i32, spatial: i32, start: i32, end: i32, scratch: usize): void {
  const tiles = (spatial + 3) >> 2;
  const plane = <usize>spatial << 2;
  const cs = <usize>C << 2;
  for (let u = start; u < end; u++) {
    const n = u / tiles;
    const i0 = (u - n * tiles) << 2;
    const count = min(4, spatial - i0);
    const s = src + (<usize>(n * C * spatial + i0) << 2);
    const d = dst + (<usize>((n * spatial + i0) * C) << 2);
    let c = 0;
    if (count === 4) {
      for (; c + 4 <= C; c += 4) {
        const sp = s + <usize>c * plane;
        const r0 = v128.load(sp);
        const r1 = v128.load(sp + plane);
        const r2 = v128.load(sp + 2 * plane);
        const r3 = v128.load(sp + 3 * plane);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        const dp = d + (<usize>c << 2);
        v128.store(dp, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        v128.store(dp + cs, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
        v128.store(dp + 2 * cs, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
        v128.store(dp + 3 * cs, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
      }
    }
    for (; c < C; c++) {
      for (let i = 0; i < count; i++) {
        store<f32>(d + <usize>i * cs + (<usize>c << 2), load<f32>(s + <usize>c * plane + (<usize>i << 2)));
      }
    }
  }
}

/** `dst[n, c, i] = src[n, i, c]` for `i < spatial`. Units: tiles of four pixels,
 * `N * ceil(spatial / 4)`. */
export function nhwcToNchw(src: usize, dst: usize, N: i32, C: i32, spatial: i32, start: i32, end: i32, scratch: usize): void {
  const tiles = (spatial + 3) >> 2;
  const plane = <usize>spatial << 2;
  const cs = <usize>C << 2;
  for (let u = start; u < end; u++) {
    const n = u / tiles;
    const i0 = (u - n * tiles) << 2;
    const count = min(4, spatial - i0);
    const s = src + (<usize>((n * spatial + i0) * C) << 2);
    const d = dst + (<usize>(n * C * spatial + i0) << 2);
    let c = 0;
    if (count === 4) {
      for (; c + 4 <= C; c += 4) {
        const sp = s + (<usize>c << 2);
        const r0 = v128.load(sp);
        const r1 = v128.load(sp + cs);
        const r2 = v128.load(sp + 2 * cs);
        const r3 = v128.load(sp + 3 * cs);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        const dp = d + <usize>c * plane;
        v128.store(dp, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        v128.store(dp + plane, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
        v128.store(dp + 2 * plane, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
        v128.store(dp + 3 * plane, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
      }
    }
    for (; c < C; c++) {
      for (let i = 0; i < count; i++) {
        store<f32>(d + <usize>c * plane + (<usize>i << 2), load<f32>(s + <usize>i * cs + (<usize>c << 2)));
      }
    }
  }
}
