// The next-frame demo's figure: for a few test sequences, three rows of frames: the input frames, the
// network's prediction of each next frame, and the true next frames, drawn with the demo's Canvas.
import { BLACK, Canvas, WHITE } from '../demo/canvas.js';

const GAP = 4;
const LABEL = 16;

/** The strip's size for `sequences` sequences of `frames` predicted frames of `size × size`, drawn at `scale`. */
export function stripSize(sequences: number, frames: number, size: number, scale: number): [number, number] {
  const cell = size * scale;
  return [GAP + frames * (cell + GAP), sequences * (3 * (cell + LABEL) + 2 * GAP) + GAP];
}

/**
 * Draws `inputs`, `predicted` and `truth` (each `[sequences, frames, size, size]`, row-major, values in
 * [0, 1]) as rows of frames, every frame scaled by `scale`, and saves the PNG at `path`.
 */
export function drawStrip(rows: { inputs: ArrayLike<number>; predicted: ArrayLike<number>; truth: ArrayLike<number> }, sequences: number, frames: number, size: number, scale: number, path: string): string {
  const [width, height] = stripSize(sequences, frames, size, scale);
  const canvas = new Canvas(width, height, BLACK);
  const cell = size * scale;
  const pixels = size * size;
  const frame = (values: ArrayLike<number>, n: number, t: number) => Array.prototype.slice.call(values, ((n * frames + t) * pixels), ((n * frames + t) + 1) * pixels) as number[];
  for (let n = 0; n < sequences; n++) {
    const y0 = GAP + n * (3 * (cell + LABEL) + 2 * GAP);
    (['input', 'predicted', 'true'] as const).forEach((label, row) => {
      const y = y0 + row * (cell + LABEL);
      canvas.text(label, GAP, y + 3, WHITE);
      const values = row === 0 ? rows.inputs : row === 1 ? rows.predicted : rows.truth;
      for (let t = 0; t < frames; t++) canvas.image(frame(values, n, t), size, GAP + t * (cell + GAP), y + LABEL, scale);
    });
  }
  return canvas.save(path);
}
