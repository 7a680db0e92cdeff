/**
 * Keras 3's serialized-object form, `{ module, class_name, config, registered_name }`, which `get_config()`
 * nests for initializers, regularizers, constraints and dtype policies, and `.keras` files store.
 */

export type ConfigValue = null | boolean | number | string | ConfigValue[] | { [key: string]: ConfigValue };
export type Config = { [key: string]: ConfigValue };

export interface SerializedKerasObject {
  module: string;
  class_name: string;
  config: Config;
  registered_name: string | null;
  [key: string]: ConfigValue;
}

export function serializeKerasObject(module: string, className: string, config: Config): SerializedKerasObject {
  return { module, class_name: className, config, registered_name: null };
}

export function isSerializedKerasObject(value: unknown): value is SerializedKerasObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { class_name?: unknown }).class_name === 'string' &&
    typeof (value as { config?: unknown }).config === 'object'
  );
}

/** `depthwiseInitializer` → `depthwise_initializer`. */
export function toSnakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** `depthwise_initializer` → `depthwiseInitializer`. */
export function toCamelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Whether `value` looks like a serialized `{ class_name, config }` (the only form `deserialize` takes). */
export function isSerializedForm(value: unknown): value is { class_name: string; config?: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { class_name?: unknown }).class_name === 'string';
}
