/** Renders Keras 3's `model.summary()` table. */

import { formatShape } from '../engine/shape.js';
import { formatFixed } from '../utils/python-format.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';

export interface SummaryRow {
  layer: Layer;
  /** `null` while the model has not been built. */
  outputShape: SymbolicShape | null;
  /** For functional models, Keras's "Connected to" entries (`layer[node][tensor]`); absent for Sequential. */
  connectedTo?: readonly string[];
}

export interface ParamTally {
  count: number;
  bytes: number;
}

export interface SummaryInput {
  modelName: string;
  rows: readonly SummaryRow[];
  trainable: ParamTally;
  nonTrainable: ParamTally;
  lineLength?: number;
}

/** Keras's `readable_memory_size`: 1024-based units with two decimals, rounded half to even as Python. */
export function readableMemorySize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${formatFixed(size, 2)} ${units[unit]}`;
}

/** Thousands separators, as Python's `f"{n:,}"`. */
function withCommas(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Splits text into lines of at most `width` characters, breaking at spaces or before '(' where possible. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut <= 0) cut = width;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}

/**
 * Column widths (content, without the one-space padding on each side). Keras's default table, as rich
 * lays it out on an 80-column console, is 31/22/13; other line lengths split by Keras's positions
 * [0.45, 0.80, 1.0].
 */
function columnWidths(lineLength: number | undefined): [number, number, number] {
  if (lineLength === undefined) return [31, 22, 13];
  const a = Math.floor(lineLength * 0.45);
  const b = Math.floor(lineLength * 0.8);
  return [a - 3, b - a - 3, lineLength - b - 4];
}

export function renderSummary(input: SummaryInput): string[] {
  const [w0, w1, w2] = columnWidths(input.lineLength);
  const bar = (l: string, m: string, r: string, fill: string) =>
    l + [w0, w1, w2].map((w) => fill.repeat(w + 2)).join(m) + r;
  const row = (cells: string[][], sep: string) => {
    const height = Math.max(...cells.map((c) => c.length));
    const out: string[] = [];
    for (let i = 0; i < height; i++) {
      const a = (cells[0][i] ?? '').padEnd(w0);
      const b = (cells[1][i] ?? '').padEnd(w1);
      const c = (cells[2][i] ?? '').padStart(w2);
      out.push(`${sep} ${a} ${sep} ${b} ${sep} ${c} ${sep}`);
    }
    return out;
  };
  const lines = [`Model: "${input.modelName}"`];
  lines.push(bar('┏', '┳', '┓', '━'));
  lines.push(...row([['Layer (type)'], ['Output Shape'], ['Param #']], '┃'));
  lines.push(bar('┡', '╇', '┩', '━'));
  input.rows.forEach((r, index) => {
    if (index > 0) lines.push(bar('├', '┼', '┤', '─'));
    const params = r.layer.built ? withCommas(r.layer.countParams()) : '0 (unbuilt)';
    const name = wrap(`${r.layer.name} (${r.layer.className})`, w0);
    const shape = r.outputShape ? formatShape(r.outputShape) : '?';
    lines.push(...row([name, wrap(shape, w1), [params]], '│'));
  });
  lines.push(bar('└', '┴', '┘', '─'));
  const totalTally = { count: input.trainable.count + input.nonTrainable.count, bytes: input.trainable.bytes + input.nonTrainable.bytes };
  const fmt = (t: ParamTally) => `${withCommas(t.count)} (${readableMemorySize(t.bytes)})`;
  lines.push(` Total params: ${fmt(totalTally)}`);
  lines.push(` Trainable params: ${fmt(input.trainable)}`);
  lines.push(` Non-trainable params: ${fmt(input.nonTrainable)}`);
  return lines;
}
