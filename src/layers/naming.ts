/**
 * Keras's automatic names: the class name in snake_case, then `_1`, `_2`, ... for each later object with
 * the same prefix (`depthwise_conv2d`, `depthwise_conv2d_1`), counted per prefix until `clearSession()`.
 */

const counters = new Map<string, number>();

/** `DepthwiseConv2D` → `depthwise_conv2d`, following Keras's `to_snake_case`. */
export function classNameToSnake(className: string): string {
  const intermediate = className.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  return intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

export function uniqueName(prefix: string): string {
  const count = counters.get(prefix) ?? 0;
  counters.set(prefix, count + 1);
  return count === 0 ? prefix : `${prefix}_${count}`;
}

/**
 * Resets automatic naming, as Keras's `clear_session()`: the next layer is again `depthwise_conv2d`.
 *
 * @example
 * ```ts
 * clearSession();
 * ```
 */
export function clearSession(): void {
  counters.clear();
}
