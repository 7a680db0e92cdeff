/**
 * Layout passes around the NHWC depthwise kernels (the manifest's `layout` entries): repeating input
 * channels for a depth multiplier above 1 (and folding the repeated channels' gradients back), and
 * channels-first <-> channels-last transposes in 4x4 SIMD tiles, so channels-first tensors use the NHWC
 * kernels. Units: pixels (channel passes) or tiles of four pixels (transposes).
 */

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

/** `dst[n, i, c] = src[n, c, i]` for `i < spatial`. Units: tiles of four pixels, `N * ceil(spatial / 4)`. */
export function nchwToNhwc(src: usize, dst: usize, N: i32, C: i32, spatial: i32, start: i32, end: i32, scratch: usize): void {
  transposeTiles(src, dst, C, spatial, start, end, true);
}

/** `dst[n, c, i] = src[n, i, c]` for `i < spatial`. Units: tiles of four pixels, `N * ceil(spatial / 4)`. */
export function nhwcToNchw(src: usize, dst: usize, N: i32, C: i32, spatial: i32, start: i32, end: i32, scratch: usize): void {
  transposeTiles(src, dst, C, spatial, start, end, false);
}

/**
 * Both transposes: tile `u` covers pixels `4 (u % tiles) ..` of image `u / tiles`. The channels-first side
 * steps `spatial * 4` bytes per channel and 4 per pixel, the channels-last side `C * 4` per pixel and 4 per
 * channel; `TO_NHWC` (a constant) says which side is the source.
 */
@inline function transposeTiles(src: usize, dst: usize, C: i32, spatial: i32, start: i32, end: i32, TO_NHWC: bool): void {
  const tiles = (spatial + 3) >> 2;
  const plane = <usize>spatial << 2;
  const cs = <usize>C << 2;
  for (let u = start; u < end; u++) {
    const n = u / tiles;
    const i0 = (u - n * tiles) << 2;
    const count = min(4, spatial - i0);
    const first = src + (TO_NHWC ? <usize>(n * C * spatial + i0) << 2 : <usize>((n * spatial + i0) * C) << 2);
    const d = dst + (TO_NHWC ? <usize>((n * spatial + i0) * C) << 2 : <usize>(n * C * spatial + i0) << 2);
    // Byte steps of the source rows (four source vectors form the tile) and of the destination rows.
    const srcRow = TO_NHWC ? plane : cs;
    const dstRow = TO_NHWC ? cs : plane;
    let c = 0;
    if (count === 4) {
      for (; c + 4 <= C; c += 4) {
        const sp = first + (TO_NHWC ? <usize>c * plane : <usize>c << 2);
        const dp = d + (TO_NHWC ? <usize>c << 2 : <usize>c * plane);
        transpose4x4(sp, srcRow, dp, dstRow);
      }
    }
    for (; c < C; c++) {
      for (let i = 0; i < count; i++) {
        if (TO_NHWC) store<f32>(d + <usize>i * cs + (<usize>c << 2), load<f32>(first + <usize>c * plane + (<usize>i << 2)));
        else store<f32>(d + <usize>c * plane + (<usize>i << 2), load<f32>(first + <usize>i * cs + (<usize>c << 2)));
      }
    }
  }
}

/** Four rows of four floats at `s + r * srcRow` become four columns at `d + r * dstRow`. */
@inline function transpose4x4(s: usize, srcRow: usize, d: usize, dstRow: usize): void {
  const r0 = v128.load(s);
  const r1 = v128.load(s + srcRow);
  const r2 = v128.load(s + 2 * srcRow);
  const r3 = v128.load(s + 3 * srcRow);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(d + dstRow, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(d + 2 * dstRow, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(d + 3 * dstRow, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}
