/**
 * JSON mutations for configs (`config.json`, Keras 2's `model_config`, TF.js `model.json`): hostile numbers
 * in any numeric field (1e308, 2^40, negative, "NaN"), wrong types, the sizes that cost gigabytes
 * (`filters: 2**22`, `depth_multiplier: 1048576`, Dense of 2^28 weights), deep nesting, many layers and huge
 * whitespace. Each mutation returns the new JSON text.
 */

import type { Rng } from './mutate-bytes.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const HOSTILE_VALUES: Json[] = [1e308, -1e308, 2 ** 40, 2 ** 53, 2 ** 31, 2 ** 28, 2 ** 22, 1048576, -1, 0, -0, 1.5, 1e-308, 'NaN', 'Infinity', '1e308', null, true, [], {}, [1e308, 1e308], 'x'.repeat(1000)];

/** Layer counts of the many-layers mutation: under, near and over the default budget of 50,000. */
export const MANY_LAYERS = [2_000, 20_000, 60_000];

/** Config keys whose size multiplies a layer's weights. */
const SIZE_KEYS: Record<string, Json[]> = {
  units: [2 ** 28, 2 ** 20, 2 ** 40, 1e308],
  filters: [2 ** 22, 2 ** 30, 1e308],
  depth_multiplier: [1048576, 2 ** 30],
  kernel_size: [[1e9, 3], [2 ** 16, 2 ** 16], 2 ** 20],
  batch_shape: [[null, 2 ** 20, 2 ** 20, 3], [null, 2 ** 31], [null, 1e308]],
  batch_input_shape: [[null, 2 ** 20, 2 ** 20, 3], [null, 1e308]],
  target_shape: [[2 ** 30], [-1, 2 ** 30]],
  size: [[2 ** 20, 2 ** 20], 2 ** 30],
};

interface Slot {
  parent: Json[] | { [key: string]: Json };
  key: string | number;
}

function slots(root: Json): Slot[] {
  const out: Slot[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const value = stack.pop() as Json;
    if (value === null || typeof value !== 'object') continue;
    const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [key, child] of entries) {
      out.push({ parent: value, key });
      stack.push(child);
    }
  }
  return out;
}

function get(slot: Slot): Json {
  return (slot.parent as Record<string | number, Json>)[slot.key];
}

function set(slot: Slot, value: Json): void {
  (slot.parent as Record<string | number, Json>)[slot.key] = value;
}

/** The `layers` list of a model config wherever it sits (Keras 3, Keras 2, TF.js topology). */
function layerList(root: Json): Json[] | null {
  const found = slots(root).find((s) => s.key === 'layers' && Array.isArray(get(s)));
  return found === undefined ? null : (get(found) as Json[]);
}

function renamed(entry: Json, name: string): Json {
  const copy = JSON.parse(JSON.stringify(entry)) as { [key: string]: Json };
  if (typeof copy.config === 'object' && copy.config !== null && !Array.isArray(copy.config)) copy.config.name = name;
  if ('name' in copy) copy.name = name;
  return copy;
}

/** The mutations, by name, each from parsed JSON to new text. */
export const JSON_MUTATIONS: Record<string, (root: Json, r: Rng) => string> = {
  hostileNumber: (root, r) => {
    const numbers = slots(root).filter((s) => typeof get(s) === 'number');
    if (numbers.length > 0) set(r.pick(numbers), r.pick(HOSTILE_VALUES));
    return JSON.stringify(root);
  },
  wrongType: (root, r) => {
    const all = slots(root);
    set(r.pick(all), r.pick(HOSTILE_VALUES));
    return JSON.stringify(root);
  },
  hugeSize: (root, r) => {
    const sized = slots(root).filter((s) => typeof s.key === 'string' && s.key in SIZE_KEYS);
    if (sized.length > 0) {
      const slot = r.pick(sized);
      set(slot, r.pick(SIZE_KEYS[slot.key as string]));
    }
    return JSON.stringify(root);
  },
  dropKey: (root, r) => {
    const keyed = slots(root).filter((s) => !Array.isArray(s.parent));
    if (keyed.length > 0) {
      const slot = r.pick(keyed);
      delete (slot.parent as Record<string, Json>)[slot.key as string];
    }
    return JSON.stringify(root);
  },
  deepNesting: (root, r) => {
    const depth = r.pick([50, 200, 10_000, 1_000_000]);
    const slot = r.pick(slots(root));
    const text = JSON.stringify(root);
    const inner = JSON.stringify(get(slot));
    // Wrap one value in `depth` arrays, textually: building it as objects would overflow our own stack.
    const at = text.indexOf(inner);
    return `${text.slice(0, at)}${'['.repeat(depth)}${inner}${']'.repeat(depth)}${text.slice(at + inner.length)}`;
  },
  manyLayers: (root, r) => {
    const layers = layerList(root);
    if (layers === null || layers.length < 2) return JSON.stringify(root);
    const count = r.pick(MANY_LAYERS);
    // Copies of the last layer under new names, appended as text: 200,000 parsed objects would cost the
    // fuzzer more than the loader it tests.
    const template = JSON.stringify(renamed(layers[layers.length - 1], '__fuzz_name__')).split('__fuzz_name__');
    layers.push('__fuzz_copies__');
    const copies = Array.from({ length: count }, (_, i) => template.join(`fuzz_${i}`)).join(',');
    return JSON.stringify(root).replace('"__fuzz_copies__"', copies);
  },
  duplicateName: (root) => {
    const layers = layerList(root);
    if (layers !== null && layers.length > 2) layers.push(JSON.parse(JSON.stringify(layers[1])) as Json);
    return JSON.stringify(root);
  },
  whitespace: (root, r) => {
    const text = JSON.stringify(root);
    const at = text.indexOf(',');
    return `${text.slice(0, at + 1)}${' '.repeat(r.pick([1024, 2 ** 20, 17 * 2 ** 20]))}${text.slice(at + 1)}`;
  },
};

/** One random JSON mutation of `text`: its name and the new text. */
export function mutateJson(text: string, r: Rng, only?: string): { kind: string; text: string } {
  const kind = only ?? r.pick(Object.keys(JSON_MUTATIONS));
  return { kind, text: JSON_MUTATIONS[kind](JSON.parse(text) as Json, r) };
}
