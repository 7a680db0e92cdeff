/**
 * The drawing pad: white ink on black with the mouse, a pen or a finger (pointer events), and the step
 * MNIST's digits went through: the ink's bounding box scaled to fit 20×20 pixels, then placed in a 28×28
 * image so that its centre of mass is at the centre.
 */

export interface Pad {
  readonly canvas: HTMLCanvasElement;
  clear(): void;
  /** The drawing as a 28×28 image in [0, 1] (all zeros when nothing is drawn). */
  image(): Float32Array;
  /** Whether anything is drawn. */
  readonly empty: boolean;
}

/** Makes `canvas` a pad; `onChange` runs (at most once per frame) while the drawing changes. */
export function createPad(canvas: HTMLCanvasElement, onChange: () => void): Pad {
  const context = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  let drawing = false;
  let empty = true;
  let last: [number, number] | null = null;
  let scheduled = false;
  const changed = (): void => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      onChange();
    });
  };
  const at = (event: PointerEvent): [number, number] => {
    const box = canvas.getBoundingClientRect();
    return [((event.clientX - box.left) * canvas.width) / box.width, ((event.clientY - box.top) * canvas.height) / box.height];
  };
  const stroke = (to: [number, number]): void => {
    context.strokeStyle = '#fff';
    context.fillStyle = '#fff';
    context.lineWidth = canvas.width / 14;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    const from = last ?? to;
    context.moveTo(from[0], from[1]);
    context.lineTo(to[0], to[1]);
    context.stroke();
    last = to;
    empty = false;
    changed();
  };
  canvas.addEventListener('pointerdown', (event) => {
    drawing = true;
    last = null;
    canvas.setPointerCapture?.(event.pointerId);
    stroke(at(event));
  });
  canvas.addEventListener('pointermove', (event) => {
    if (drawing) stroke(at(event));
  });
  const end = (): void => {
    drawing = false;
    last = null;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  const pad: Pad = {
    canvas,
    get empty() {
      return empty;
    },
    clear() {
      context.fillStyle = '#000';
      context.fillRect(0, 0, canvas.width, canvas.height);
      empty = true;
      changed();
    },
    image: () => toMnist(context, canvas.width, canvas.height),
  };
  pad.clear();
  return pad;
}

/** MNIST's normalisation of the canvas (see the file comment). */
function toMnist(context: CanvasRenderingContext2D, width: number, height: number): Float32Array {
  const { data } = context.getImageData(0, 0, width, height);
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[(y * width + x) * 4] > 24) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  const out = new Float32Array(784);
  if (x1 < 0) return out;
  const side = Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const scale = 20 / side;
  const small = document.createElement('canvas');
  small.width = 28;
  small.height = 28;
  const s = small.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  s.fillStyle = '#000';
  s.fillRect(0, 0, 28, 28);
  s.imageSmoothingQuality = 'high';
  const w = (x1 - x0 + 1) * scale;
  const h = (y1 - y0 + 1) * scale;
  s.drawImage(context.canvas, x0, y0, x1 - x0 + 1, y1 - y0 + 1, (28 - w) / 2, (28 - h) / 2, w, h);
  const pixels = s.getImageData(0, 0, 28, 28).data;
  const grey = new Float32Array(784);
  let [mass, mx, my] = [0, 0, 0];
  for (let i = 0; i < 784; i++) {
    grey[i] = pixels[i * 4] / 255;
    mass += grey[i];
    mx += grey[i] * (i % 28);
    my += grey[i] * Math.floor(i / 28);
  }
  const dx = Math.round(13.5 - mx / mass);
  const dy = Math.round(13.5 - my / mass);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const sy = y - dy;
      const sx = x - dx;
      if (sy >= 0 && sy < 28 && sx >= 0 && sx < 28) out[y * 28 + x] = grey[sy * 28 + sx];
    }
  }
  return out;
}
