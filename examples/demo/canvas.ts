// A tiny pixel buffer with just enough drawing for the demo's figures (rectangles, lines, a 3×5 bitmap
// font), saved as PNG with pngjs. No canvas dependency: that would need native code.
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

export type Color = readonly [number, number, number];

export const WHITE: Color = [255, 255, 255];
export const BLACK: Color = [0, 0, 0];
export const GREY: Color = [150, 150, 150];
export const LIGHT_GREY: Color = [225, 225, 225];

// Digits, the letters the figures need, and a few signs, 3 pixels wide and 5 tall, row by row.
const GLYPHS: Record<string, readonly string[]> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '.##', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '.#.', '.#.', '.#.'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'],
  A: ['.#.', '#.#', '###', '#.#', '#.#'],
  C: ['###', '#..', '#..', '#..', '###'],
  D: ['##.', '#.#', '#.#', '#.#', '##.'],
  E: ['###', '#..', '##.', '#..', '###'],
  H: ['#.#', '#.#', '###', '#.#', '#.#'],
  I: ['###', '.#.', '.#.', '.#.', '###'],
  L: ['#..', '#..', '#..', '#..', '###'],
  N: ['##.', '#.#', '#.#', '#.#', '#.#'],
  O: ['###', '#.#', '#.#', '#.#', '###'],
  P: ['###', '#.#', '###', '#..', '#..'],
  R: ['##.', '#.#', '##.', '#.#', '#.#'],
  S: ['###', '#..', '###', '..#', '###'],
  T: ['###', '.#.', '.#.', '.#.', '.#.'],
  U: ['#.#', '#.#', '#.#', '#.#', '###'],
  V: ['#.#', '#.#', '#.#', '#.#', '.#.'],
  Y: ['#.#', '#.#', '.#.', '.#.', '.#.'],
  '.': ['...', '...', '...', '...', '.#.'],
  '-': ['...', '...', '###', '...', '...'],
  ':': ['...', '.#.', '...', '.#.', '...'],
  ' ': ['...', '...', '...', '...', '...'],
};

export class Canvas {
  readonly data: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: Color = WHITE) {
    // RGBA, pngjs's native layout; alpha stays opaque.
    this.data = new Uint8Array(width * height * 4).fill(255);
    this.rect(0, 0, width, height, background);
  }

  set(x: number, y: number, color: Color): void {
    const [px, py] = [Math.round(x), Math.round(y)];
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return; // clip
    this.data.set(color, (py * this.width + px) * 4);
  }

  rect(x: number, y: number, w: number, h: number, color: Color): void {
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) this.set(x + i, y + j, color);
  }

  /** An unfilled rectangle, 1 pixel wide. */
  frame(x: number, y: number, w: number, h: number, color: Color): void {
    this.rect(x, y, w, 1, color);
    this.rect(x, y + h - 1, w, 1, color);
    this.rect(x, y, 1, h, color);
    this.rect(x + w - 1, y, 1, h, color);
  }

  /** A line `thickness` pixels wide, stepped one pixel at a time along its longer axis. */
  line(x0: number, y0: number, x1: number, y1: number, color: Color, thickness = 1): void {
    const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    const offset = Math.floor(thickness / 2);
    for (let s = 0; s <= steps; s++) {
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      this.rect(Math.round(x) - offset, Math.round(y) - offset, thickness, thickness, color);
    }
  }

  /** Text in the 3×5 font (upper case), each font pixel drawn as a `scale`×`scale` square; returns its width. */
  text(value: string, x: number, y: number, color: Color, scale = 2): number {
    let cursor = x;
    for (const char of value.toUpperCase()) {
      const glyph = GLYPHS[char] ?? GLYPHS[' '];
      glyph.forEach((row, gy) => {
        for (let gx = 0; gx < 3; gx++) if (row[gx] === '#') this.rect(cursor + gx * scale, y + gy * scale, scale, scale, color);
      });
      cursor += 4 * scale;
    }
    return textWidth(value, scale);
  }

  /** A grey image (row-major values in [0, 1], white ink on black) scaled up by an integer factor. */
  image(pixels: ArrayLike<number>, size: number, x: number, y: number, scale: number): void {
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) {
        const v = Math.round(Math.min(Math.max(pixels[r * size + c], 0), 1) * 255);
        this.rect(x + c * scale, y + r * scale, scale, scale, [v, v, v]);
      }
    }
  }

  save(path: string): string {
    const png = new PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    writeFileSync(path, PNG.sync.write(png));
    return path;
  }
}

export function textWidth(value: string, scale = 2): number {
  return value.length === 0 ? 0 : (value.length * 4 - 1) * scale;
}

/** Blue for negative, white for zero, red for positive; `v` in [-1, 1]. */
export function diverging(v: number): Color {
  const t = Math.min(Math.abs(v), 1);
  const fade = Math.round(255 * (1 - t));
  return v >= 0 ? [255, fade, fade] : [fade, fade, 255];
}
