/**
 * How a kernel wrapper turns its arguments into wasm arguments. A float32 array inside the arena's
 * memory is passed by its `byteOffset` (zero copy, the normal case once tensors live there); any other
 * array is copied into a scratch block for the call, and an output copied back afterwards (the fallback,
 * counted so a benchmark can tell). A fused activation becomes its code (`ACT_*`, shared with assembly/).
 */
import { ShapeError } from '../../errors.js';
import type { EpilogueActivation } from '../epilogue.js';
import type { WasmArena } from './arena.js';
import { ACT_NONE, ACT_RELU, ACT_RELU6 } from './generated/constants.js';

/** Epilogue fused into a forward kernel (the same names as the TypeScript epilogue's). */
export type FusedActivation = EpilogueActivation;

/** The `act` argument of the depthwise and GEMM exports for each activation. */
export const ACTIVATION_CODES: Readonly<Record<FusedActivation, number>> = { linear: ACT_NONE, relu: ACT_RELU, relu6: ACT_RELU6 };

/** The statistics a binder updates. */
export interface ArgumentCounters {
  /** Array arguments passed in place (views into wasm memory). */
  zeroCopyArguments: number;
  /** Array arguments copied in or out through scratch memory. */
  copiedArguments: number;
  copiedBytes: number;
}

interface Slot {
  array: Float32Array;
  /** Byte offset in wasm memory. */
  ptr: number;
  resident: boolean;
  output: boolean;
}

export interface BoundArguments {
  /** One pointer per argument, inputs then outputs; 0 for a null input. */
  readonly ptrs: number[];
  /** Copies non-resident outputs back and frees the scratch blocks. */
  done(): void;
  /** Frees the scratch blocks without copying back (the call failed). Idempotent, also after `done`. */
  release(): void;
}

export type ArgumentBinder = (kernel: string, inputs: readonly (Float32Array | null)[], outputs: readonly Float32Array[]) => BoundArguments;

/**
 * A `bind(kernel, inputs, outputs)` over `arena`. Residents are resolved first (allocating scratch may
 * grow the memory), then scratch blocks for the rest, inputs copied in. An output that overlaps an input
 * in memory is refused, naming the kernel: the kernels read inputs while they write outputs.
 */
export function argumentBinder(arena: WasmArena, counters: ArgumentCounters): ArgumentBinder {
  return (kernel, inputs, outputs) => {
    arena.buffer(); // records the current buffer object, so views made over it are recognised
    const slots: (Slot | null)[] = [
      ...inputs.map((array) => (array === null ? null : { array, ptr: 0, resident: arena.contains(array), output: false })),
      ...outputs.map((array) => ({ array, ptr: 0, resident: arena.contains(array), output: true })),
    ];
    for (const slot of slots) {
      if (slot?.resident !== true) continue;
      slot.ptr = slot.array.byteOffset;
      counters.zeroCopyArguments++;
    }
    for (const out of slots) {
      if (out === null || !out.output || !out.resident) continue;
      for (const other of slots) {
        if (other === null || other === out || !other.resident || other.array.byteLength === 0) continue;
        if (other.ptr < out.ptr + out.array.byteLength && out.ptr < other.ptr + other.array.byteLength) {
          throw new ShapeError(`${kernel} wasm kernel: the output overlaps an input in memory; pass a separate output array.`);
        }
      }
    }
    const scratch: number[] = [];
    const release = (): void => {
      for (const ptr of scratch.splice(0)) arena.release(ptr);
    };
    try {
      for (const slot of slots) {
        if (slot === null || slot.resident) continue;
        slot.ptr = arena.alloc(slot.array.byteLength, false);
        scratch.push(slot.ptr);
        counters.copiedArguments++;
        counters.copiedBytes += slot.array.byteLength;
        if (!slot.output) new Float32Array(arena.buffer(), slot.ptr, slot.array.length).set(slot.array);
      }
    } catch (error) {
      release(); // an allocation failed: the blocks already taken go back
      throw error;
    }
    return {
      ptrs: slots.map((s) => (s === null ? 0 : s.ptr)),
      done(): void {
        for (const slot of slots) {
          if (slot?.output === true && !slot.resident) slot.array.set(new Float32Array(arena.buffer(), slot.ptr, slot.array.length));
        }
        release();
      },
      release,
    };
  };
}
