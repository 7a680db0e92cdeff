/** Renders Keras 3's `model.summary()` table. */

import { formatShape } from '../engine/shape.js';
import { formatFixed } from '../utils/python-format.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';

export interface SummaryRow {
  layer: Layer;
  /** The output shapes of the layer's last call (several for a model of several outputs); `null` while the model has not been built. */
  outputShapes: readonly SymbolicShape[] | null;
  /**
   * Keras's "Connected to" entries (`layer[node][tensor]`), given for every row of a functional model whose
   * graph is not a chain (the column is printed then); absent for Sequential and chain-like graphs.
   */
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

/**
 * Splits text into lines of at most `width` characters as rich does (Keras prints its table through rich):
 * greedily at spaces, and a word longer than the width goes on a line of its own, cut with '…'.
 */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter((w) => w.length > 0)) {
    if (line.length > 0 && line.length + 1 + word.length <= width) {
      line += ` ${word}`;
      continue;
    }
    if (line.length > 0) lines.push(line);
    line = word.length > width ? `${word.slice(0, width - 1)}…` : word;
  }
  lines.push(line);
  return lines;
}

/** Python's `round`: half to even. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Column content widths (without the one-space padding on each side), as Keras asks rich for them: each
 * column `int(position * lineLength)` minus the previous position, then rich's table layout (a table of
 * `lineLength` with borders; too wide: every column reduced evenly by `ratio_reduce`; too narrow: widened
 * by `ratio_distribute`). Keras's default line length is its 88 (108 with "Connected to") capped at the
 * terminal's width less 4, here an 80-column terminal, as the golden fixtures were generated.
 */
export function columnWidths(positions: readonly number[], lineLength: number | undefined, defaultLength: number): number[] {
  const length = lineLength ?? Math.min(defaultLength, 80 - 4);
  let current = 0;
  const asked = positions.map((p) => {
    const width = Math.floor(p * length) - current;
    current += width;
    return width;
  });
  const maxWidth = length - (positions.length + 1); // two outer borders, one between each pair of columns
  let widths = asked.map((w) => Math.min(w + 2, maxWidth));
  const total = widths.reduce((a, b) => a + b, 0);
  if (total > maxWidth) {
    // rich's ratio_reduce(excess, [1, ...], widths, widths)
    let remaining = total - maxWidth;
    let ratios = widths.length;
    widths = widths.map((w) => {
      const cut = Math.min(w, roundHalfEven(remaining / ratios));
      remaining -= cut;
      ratios -= 1;
      return w - cut;
    });
  } else if (total < maxWidth) {
    // rich's ratio_distribute(extra, widths): a table given a width expands to it
    let remaining = maxWidth - total;
    let ratioTotal = total;
    widths = widths.map((w) => {
      const extra = Math.ceil((w * remaining) / ratioTotal);
      remaining -= extra;
      ratioTotal -= w;
      return w + extra;
    });
  }
  return widths.map((w) => w - 2);
}

/** Keras's shape text for a layer: one shape, or several as Python prints a list of them. */
function shapeText(shapes: readonly SymbolicShape[] | null): string {
  if (shapes === null) return '?';
  if (shapes.length === 1) return formatShape(shapes[0]);
  return `[${shapes.map((s) => formatShape(s)).join(', ')}]`;
}

export function renderSummary(input: SummaryInput): string[] {
  const connected = input.rows.some((r) => r.connectedTo !== undefined);
  const widths = connected ? columnWidths([0.3, 0.56, 0.74, 1.0], input.lineLength, 108) : columnWidths([0.45, 0.8, 1.0], input.lineLength, 88);
  const bar = (l: string, m: string, r: string, fill: string) => l + widths.map((w) => fill.repeat(w + 2)).join(m) + r;
  const row = (cells: string[][], sep: string) => {
    const height = Math.max(...cells.map((c) => c.length));
    const out: string[] = [];
    for (let i = 0; i < height; i++) {
      // The parameter count (third column) is right-aligned, the others left.
      const texts = cells.map((c, k) => (k === 2 ? (c[i] ?? '').padStart(widths[k]) : (c[i] ?? '').padEnd(widths[k])));
      out.push(`${sep} ${texts.join(` ${sep} `)} ${sep}`);
    }
    return out;
  };
  const lines = [`Model: "${input.modelName}"`];
  lines.push(bar('┏', '┳', '┓', '━'));
  const header = [['Layer (type)'], ['Output Shape'], ['Param #'], ...(connected ? [['Connected to']] : [])];
  lines.push(...row(header, '┃'));
  lines.push(bar('┡', '╇', '┩', '━'));
  input.rows.forEach((r, index) => {
    if (index > 0) lines.push(bar('├', '┼', '┤', '─'));
    const params = r.layer.built ? withCommas(r.layer.countParams()) : '0 (unbuilt)';
    const cells = [wrap(`${r.layer.name} (${r.layer.className})`, widths[0]), wrap(shapeText(r.outputShapes), widths[1]), [params]];
    // Keras joins a layer's inputs with ', ' and lets rich wrap them; '-' for an input layer.
    if (connected) cells.push(wrap(r.connectedTo && r.connectedTo.length > 0 ? r.connectedTo.join(', ') : '-', widths[3]));
    lines.push(...row(cells, '│'));
  });
  lines.push(bar('└', '┴', '┘', '─'));
  const totalTally = { count: input.trainable.count + input.nonTrainable.count, bytes: input.trainable.bytes + input.nonTrainable.bytes };
  const fmt = (t: ParamTally) => `${withCommas(t.count)} (${readableMemorySize(t.bytes)})`;
  lines.push(` Total params: ${fmt(totalTally)}`);
  lines.push(` Trainable params: ${fmt(input.trainable)}`);
  lines.push(` Non-trainable params: ${fmt(input.nonTrainable)}`);
  return lines;
}
