/**
 * Keras's global configuration that layers consult: `image_data_format`, read from `keras.json` as Keras
 * does (in `$KERAS_HOME` when that is set, else in `~/.keras`), with a programmatic setter that wins.
 */

import { InvalidArgumentError } from '../errors.js';
import { nodeBuiltin } from '../platform/node-builtins.js';
import type { DataFormat } from '../ops/conv-args.js';
import { normalizeDataFormat } from '../ops/conv-args.js';

interface NodeProcess {
  env: Record<string, string | undefined>;
}

let explicitFormat: DataFormat | null = null;
let fileFormat: { value: DataFormat } | null = null;

/** The directory Keras reads `keras.json` from, or null outside Node. */
export function kerasHome(): string | null {
  const proc = (globalThis as { process?: NodeProcess }).process;
  const os = nodeBuiltin('node:os');
  if (!proc || !os) return null;
  return proc.env.KERAS_HOME || `${os.homedir()}/.keras`;
}

function readFormatFromFile(): DataFormat {
  const home = kerasHome();
  const fs = nodeBuiltin('node:fs');
  if (!home || !fs) return 'channels_last';
  const path = `${home}/keras.json`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch {
    // Keras ignores a missing or unparsable keras.json and uses its defaults.
    return 'channels_last';
  }
  const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).image_data_format : undefined;
  if (value === undefined) return 'channels_last';
  try {
    return normalizeDataFormat(value);
  } catch {
    throw new InvalidArgumentError('image_data_format', value, `'channels_last' or 'channels_first' in ${path}`);
  }
}

/**
 * The default `dataFormat` of image layers: the setter's value, else `image_data_format` from keras.json,
 * else `'channels_last'`. The file is read once, on first use.
 *
 * @example
 * ```ts
 * imageDataFormat(); // 'channels_last' unless keras.json says otherwise
 * ```
 */
export function imageDataFormat(): DataFormat {
  if (explicitFormat) return explicitFormat;
  fileFormat ??= { value: readFormatFromFile() };
  return fileFormat.value;
}

/**
 * Sets the default data format for layers created afterwards (Keras's `config.set_image_data_format`);
 * `null` returns to the keras.json value.
 *
 * @example
 * ```ts
 * setImageDataFormat('channels_first');
 * ```
 */
export function setImageDataFormat(format: DataFormat | null): void {
  explicitFormat = format === null ? null : normalizeDataFormat(format);
}

/** Forgets the cached keras.json value so the next read sees the file (and environment) as they are now. */
export function reloadKerasConfig(): void {
  fileFormat = null;
}
