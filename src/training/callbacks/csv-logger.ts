/** CSVLogger: stream each epoch's logs to a CSV file. */

import type { NodeBuiltins } from '../../platform/node-builtins.js';
import { requireNodeBuiltin } from '../../platform/node-builtins.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';
import type { Logs } from './callback.js';
import { Callback } from './callback.js';
import { pythonFloatRepr } from '../../utils/python-format.js';

/** Node's `fs`, looked up when first needed (CSVLogger works on files: Node only). */
const fs = (): NodeBuiltins['node:fs'] => requireNodeBuiltin('node:fs', 'CSVLogger');

/** Options of {@link CSVLogger}. */
export interface CSVLoggerOptions {
  /** Field separator. Default ','. */
  separator?: string;
  /** Add to an existing file (no second header) instead of overwriting it. Default false. */
  append?: boolean;
}

const CSV_LOGGER_KEYS = optionKeys<CSVLoggerOptions>()(['separator', 'append']);

/**
 * Writes one row per epoch, as `keras.callbacks.CSVLogger` with Python's csv module: a header
 * `epoch,<keys sorted>` (when the first epoch has no `val_` key, `val_<key>` columns are added and filled
 * with `NA`), the 0-based epoch, values as Python prints floats (`0.5`, `1e-05`), `\r\n` line ends, and
 * fields quoted only when they contain the separator, a quote or a line break. The file is opened at
 * train begin, each row is written to it at once (no buffering), and it is closed at train end.
 *
 * @example
 * ```ts
 * const csv = new CSVLogger('training.log', { append: true });
 * ```
 */
export class CSVLogger extends Callback {
  readonly filename: string;
  readonly separator: string;
  readonly append: boolean;
  private fd: number | null = null;
  private keys: string[] | null = null;
  private appendHeader = true;
  private headerWritten = false;

  constructor(filename: string, options: CSVLoggerOptions = {}) {
    super();
    if (typeof filename !== 'string' || filename === '') throw new InvalidArgumentError('filename', filename, 'a file path', 'CSVLogger');
    checkOptions(options, CSV_LOGGER_KEYS, 'CSVLogger');
    const { separator = ',', append = false } = options;
    if (typeof separator !== 'string' || separator.length !== 1) {
      // Python's csv module accepts only a one-character delimiter.
      throw new InvalidArgumentError('separator', separator, 'a one-character string', 'CSVLogger');
    }
    if (separator === '"' || separator === '\r' || separator === '\n') {
      throw new InvalidArgumentError('separator', separator, 'a character other than a quote or a line break', 'CSVLogger');
    }
    if (typeof append !== 'boolean') throw new InvalidArgumentError('append', append, 'true or false', 'CSVLogger');
    this.filename = filename;
    this.separator = separator;
    this.append = append;
  }

  override onTrainBegin(): void {
    if (this.append) {
      // Keras writes the header only when the file is missing or its first line is empty.
      this.appendHeader = !(fs().existsSync(this.filename) && firstLineLength(this.filename) > 0);
    } else {
      this.appendHeader = true;
    }
    this.close();
    this.fd = fs().openSync(this.filename, this.append ? 'a' : 'w');
    this.keys = null;
    this.headerWritten = false;
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const l = logs ?? {};
    if (this.keys === null) {
      const keys = Object.keys(l).sort();
      if (keys.length > 0 && !keys.some((k) => k.startsWith('val_'))) keys.push(...keys.map((k) => `val_${k}`));
      this.keys = keys;
    }
    if (this.fd === null) throw new Error('CSVLogger: onEpochEnd before onTrainBegin (the file is not open).');
    let text = '';
    if (!this.headerWritten) {
      this.headerWritten = true;
      if (this.appendHeader) text += this.row(['epoch', ...this.keys]);
    }
    text += this.row([String(epoch), ...this.keys.map((k) => (k in l ? pythonFloatRepr(l[k]) : 'NA'))]);
    fs().writeSync(this.fd, text);
  }

  override onTrainEnd(): void {
    this.close();
  }

  private close(): void {
    if (this.fd !== null) {
      fs().closeSync(this.fd);
      this.fd = null;
    }
  }

  private row(fields: readonly string[]): string {
    return `${fields.map((f) => this.quote(f)).join(this.separator)}\r\n`;
  }

  /** Python csv's QUOTE_MINIMAL with the excel dialect (doublequote). */
  private quote(field: string): string {
    if (field.includes(this.separator) || field.includes('"') || field.includes('\r') || field.includes('\n')) {
      return `"${field.replace(/"/g, '""')}"`;
    }
    return field;
  }
}

function firstLineLength(path: string): number {
  const text = fs().readFileSync(path, 'utf8');
  const end = text.search(/\r\n|\n|\r/);
  // Python's readline keeps the line break, so a file starting with an empty line still has a header.
  return end < 0 ? text.length : end + 1;
}
