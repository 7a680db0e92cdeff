/** SIMD matrix products (GEMM) for the pointwise convolutions and dense layers. */
export function gemmVersion(): i32 {
  return 1;
}
