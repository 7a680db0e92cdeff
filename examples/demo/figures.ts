// The demo's four PNG figures. Each function lays out a fixed-size grid, so a figure's size depends only
// on the network's shape (the demo test checks the sizes), and returns the path it wrote.
import type { Tensor } from '../../src/index.js';
import type { Color } from './canvas.js';
import { BLACK, Canvas, diverging, GREY, LIGHT_GREY, textWidth, WHITE } from './canvas.js';
import type { DataFormat } from './flags.js';

const DIGIT = 28;
const PIXELS = DIGIT * DIGIT;
const GAP = 4;
const TRAIN_COLOR: Color = [31, 119, 180];
const VAL_COLOR: Color = [255, 127, 14];
const WRONG_COLOR: Color = [214, 39, 40];
const RIGHT_COLOR: Color = [44, 160, 44];

/** Width or height of `count` cells of `cell` pixels with GAP around and between them. */
const span = (count: number, cell: number) => count * cell + (count + 1) * GAP;

/** The depthwise kernel `[kh, kw, C, multiplier]` as one colored kh×kw square per filter, 8 per row. */
export function drawKernelGrid(kernel: Tensor, path: string): string {
  const [kh, kw, channels, multiplier] = kernel.shape;
  const values = kernel.dataSync();
  const filters = channels * multiplier;
  const scale = 16;
  const columns = Math.min(filters, 8);
  const rows = Math.ceil(filters / columns);
  const canvas = new Canvas(span(columns, kw * scale), span(rows, kh * scale), LIGHT_GREY);
  // One scale for all filters, so their strengths compare: red positive, blue negative.
  let largest = 1e-12;
  for (const v of values) largest = Math.max(largest, Math.abs(v));
  for (let f = 0; f < filters; f++) {
    const x0 = GAP + (f % columns) * (kw * scale + GAP);
    const y0 = GAP + Math.floor(f / columns) * (kh * scale + GAP);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) canvas.rect(x0 + j * scale, y0 + i * scale, scale, scale, diverging(values[(i * kw + j) * filters + f] / largest));
    }
  }
  return canvas.save(path);
}

/**
 * One row per sample: the digit, then each channel of `maps` (the first depthwise layer's output,
 * `[N, H, W, C]` or `[N, C, H, W]`), each map scaled to the digit's size and to its own largest magnitude.
 */
export function drawActivationMaps(images: Float64Array, maps: Tensor, dataFormat: DataFormat, path: string): string {
  const last = dataFormat === 'channels_last';
  const [count, h, w, channels] = last ? maps.shape : [maps.shape[0], maps.shape[2], maps.shape[3], maps.shape[1]];
  const values = maps.dataSync();
  const cell = 2 * DIGIT;
  const scale = Math.max(1, Math.floor(cell / Math.max(h, w)));
  const canvas = new Canvas(span(1 + channels, cell), span(count, cell), LIGHT_GREY);
  const at = (n: number, y: number, x: number, c: number) => (last ? ((n * h + y) * w + x) * channels + c : ((n * channels + c) * h + y) * w + x);
  for (let n = 0; n < count; n++) {
    const y0 = GAP + n * (cell + GAP);
    canvas.image(images.subarray(n * PIXELS, (n + 1) * PIXELS), DIGIT, GAP, y0, 2);
    for (let c = 0; c < channels; c++) {
      let largest = 1e-12;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) largest = Math.max(largest, Math.abs(values[at(n, y, x, c)]));
      const x0 = GAP + (c + 1) * (cell + GAP);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) canvas.rect(x0 + x * scale, y0 + y * scale, scale, scale, diverging(values[at(n, y, x, c)] / largest));
      }
    }
  }
  return canvas.save(path);
}

/** A "nice" tick step (1, 2 or 5 × 10^k) giving about `count` ticks over `range`. */
function tickStep(range: number, count: number): number {
  const raw = range / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
}

function panel(
  canvas: Canvas,
  x0: number,
  title: string,
  train: readonly number[],
  val: readonly number[],
  legendAtBottom: boolean,
  fixedRange?: readonly [number, number],
): void {
  const [width, height] = [canvas.width / 2, canvas.height];
  const plot = { left: x0 + 56, right: x0 + width - 16, top: 40, bottom: height - 44 };
  const all = [...train, ...val].filter(Number.isFinite);
  let [low, high] = fixedRange ?? [Math.min(...all, 0), Math.max(...all, 1e-6)];
  if (!fixedRange) high *= 1.05;
  const step = tickStep(high - low, 5);
  low = Math.floor(low / step) * step;
  high = Math.ceil(high / step) * step;
  const epochs = Math.max(train.length, val.length);
  const px = (i: number) => (epochs <= 1 ? (plot.left + plot.right) / 2 : plot.left + ((plot.right - plot.left) * i) / (epochs - 1));
  const py = (v: number) => plot.bottom - ((plot.bottom - plot.top) * (v - low)) / (high - low);

  canvas.text(title, x0 + (width - textWidth(title)) / 2, 12, BLACK);
  // Horizontal grid lines with value labels, then epoch ticks on the x axis.
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  for (let v = low; v <= high + step / 2; v += step) {
    canvas.line(plot.left, py(v), plot.right, py(v), LIGHT_GREY);
    const label = v.toFixed(decimals);
    canvas.text(label, plot.left - 8 - textWidth(label), py(v) - 5, GREY);
  }
  const every = Math.ceil(epochs / 10);
  for (let i = 0; i < epochs; i += every) {
    canvas.line(px(i), plot.bottom, px(i), plot.bottom + 4, BLACK);
    const label = String(i + 1);
    canvas.text(label, px(i) - textWidth(label) / 2, plot.bottom + 8, GREY);
  }
  canvas.text('EPOCH', (plot.left + plot.right - textWidth('EPOCH')) / 2, height - 18, BLACK);
  canvas.line(plot.left, plot.top, plot.left, plot.bottom, BLACK);
  canvas.line(plot.left, plot.bottom, plot.right, plot.bottom, BLACK);

  for (const [series, color] of [[train, TRAIN_COLOR], [val, VAL_COLOR]] as const) {
    series.forEach((v, i) => {
      if (i > 0) canvas.line(px(i - 1), py(series[i - 1]), px(i), py(v), color, 2);
      canvas.rect(px(i) - 3, py(v) - 3, 7, 7, color); // a marker, so a one-epoch run still shows a point
    });
  }
  // Legend: a colored box and its name for each line, in the corner the curves head away from.
  let ly = legendAtBottom ? plot.bottom - 44 : plot.top + 8;
  for (const [name, color] of [['TRAIN', TRAIN_COLOR], ['VAL', VAL_COLOR]] as const) {
    const lx = plot.right - 8 - textWidth('TRAIN') - 18;
    canvas.rect(lx, ly, 12, 12, color);
    canvas.text(name, lx + 18, ly + 1, BLACK);
    ly += 18;
  }
}

/** Loss and accuracy per epoch, training and validation, side by side (800×360). */
export function drawCurves(history: Readonly<Record<string, readonly number[]>>, path: string): string {
  const canvas = new Canvas(800, 360, WHITE);
  panel(canvas, 0, 'LOSS', history.loss ?? [], history.val_loss ?? [], false);
  const accuracy = [...(history.accuracy ?? []), ...(history.val_accuracy ?? [])];
  // Accuracy up to 1, from a round value below the worst epoch, so late gains stay visible.
  const floor = Math.max(0, Math.floor(Math.min(...accuracy, 1) * 10) / 10);
  panel(canvas, 400, 'ACCURACY', history.accuracy ?? [], history.val_accuracy ?? [], true, [floor, 1]);
  return canvas.save(path);
}

export interface Mistake {
  index: number;
  predicted: number;
  actual: number;
}

/** Up to 24 misclassified digits, 8 per row, each over "P<predicted>" in red and "T<true>" in green. */
export function drawMisclassified(images: Float64Array, mistakes: readonly Mistake[], path: string): string {
  const [columns, rows, cell, label] = [8, 3, 2 * DIGIT, 14];
  const canvas = new Canvas(span(columns, cell), span(rows, cell + label), BLACK);
  mistakes.slice(0, columns * rows).forEach(({ index, predicted, actual }, k) => {
    const x0 = GAP + (k % columns) * (cell + GAP);
    const y0 = GAP + Math.floor(k / columns) * (cell + label + GAP);
    canvas.image(images.subarray(index * PIXELS, (index + 1) * PIXELS), DIGIT, x0, y0, 2);
    const width = canvas.text(`P${predicted}`, x0 + 4, y0 + cell + 3, WRONG_COLOR);
    canvas.text(`T${actual}`, x0 + 4 + width + 10, y0 + cell + 3, RIGHT_COLOR);
  });
  return canvas.save(path);
}
