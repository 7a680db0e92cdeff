/**
 * The floating-point storage the kernels operate on. Kept to the two IEEE types so that a kernel's
 * arithmetic precision is fully determined by the array it writes to.
 */
export type FloatArray = Float32Array | Float64Array;
