/** What the page draws: probability bars, the training chart, depthwise kernels and feature maps. */

/** Ten bars, one per digit, the most likely highlighted. */
export function renderBars(container: HTMLElement, probabilities: ArrayLike<number> | null): void {
  if (container.childElementCount === 0) {
    for (let d = 0; d < 10; d++) {
      const row = document.createElement('div');
      row.className = 'bar';
      row.innerHTML = `<span class="digit">${d}</span><span class="track"><span class="fill"></span></span><span class="value"></span>`;
      container.appendChild(row);
    }
  }
  const values = probabilities === null ? new Array<number>(10).fill(0) : Array.from(probabilities);
  const best = probabilities === null ? -1 : values.indexOf(Math.max(...values));
  Array.from(container.children).forEach((row, d) => {
    (row.querySelector('.fill') as HTMLElement).style.width = `${(values[d] * 100).toFixed(1)}%`;
    (row.querySelector('.value') as HTMLElement).textContent = probabilities === null ? '' : `${(values[d] * 100).toFixed(1)}%`;
    row.classList.toggle('best', d === best);
  });
}

/** One training curve: its points per batch, in [0, max]. */
export interface Series {
  label: string;
  color: string;
  points: number[];
  max: number;
}

/** A line chart of `series` (loss and accuracy per batch) on `canvas`. */
export function renderChart(canvas: HTMLCanvasElement, series: readonly Series[], totalPoints: number): void {
  const c = canvas.getContext('2d') as CanvasRenderingContext2D;
  const { width, height } = canvas;
  c.fillStyle = '#11151c';
  c.fillRect(0, 0, width, height);
  c.strokeStyle = '#2a3140';
  c.lineWidth = 1;
  for (let i = 1; i < 4; i++) {
    c.beginPath();
    c.moveTo(0, (height * i) / 4);
    c.lineTo(width, (height * i) / 4);
    c.stroke();
  }
  series.forEach((s, k) => {
    c.strokeStyle = s.color;
    c.lineWidth = 2;
    c.beginPath();
    s.points.forEach((v, i) => {
      const x = (i / Math.max(1, totalPoints - 1)) * width;
      const y = height - (Math.min(v, s.max) / s.max) * (height - 4) - 2;
      if (i === 0) c.moveTo(x, y);
      else c.lineTo(x, y);
    });
    c.stroke();
    const last = s.points[s.points.length - 1];
    c.fillStyle = s.color;
    c.font = '12px system-ui, sans-serif';
    c.fillText(`${s.label}${last === undefined ? '' : ` ${last.toFixed(3)}`}`, 8 + 140 * k, 16);
  });
}

/** Paints `values` (row-major `h × w`) as a grey image on a canvas scaled by `zoom`, low → dark. */
export function greyImage(values: ArrayLike<number>, h: number, w: number, zoom: number, signed = false): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  canvas.style.width = `${w * zoom}px`;
  canvas.style.height = `${h * zoom}px`;
  const c = canvas.getContext('2d') as CanvasRenderingContext2D;
  const image = c.createImageData(w, h);
  let [lo, hi] = [Infinity, -Infinity];
  for (let i = 0; i < h * w; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const bound = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  for (let i = 0; i < h * w; i++) {
    const v = values[i];
    if (signed) {
      // Kernels: positive weights orange, negative blue.
      const t = Math.abs(v) / bound;
      image.data.set(v >= 0 ? [255 * t, 150 * t, 40 * t, 255] : [40 * t, 140 * t, 255 * t, 255], i * 4);
    } else {
      const t = hi > lo ? (v - lo) / (hi - lo) : 0;
      image.data.set([255 * t, 255 * t, 255 * t, 255], i * 4);
    }
  }
  c.putImageData(image, 0, 0);
  return canvas;
}

/** One tile per channel, each `h × w` taken from an NHWC tensor's values `[h, w, channels]`. */
export function renderChannels(container: HTMLElement, values: ArrayLike<number>, h: number, w: number, channels: number, zoom: number, signed: boolean): void {
  container.replaceChildren();
  for (let ch = 0; ch < channels; ch++) {
    const plane = new Float32Array(h * w);
    for (let i = 0; i < h * w; i++) plane[i] = values[i * channels + ch];
    const tile = document.createElement('figure');
    tile.appendChild(greyImage(plane, h, w, zoom, signed));
    const caption = document.createElement('figcaption');
    caption.textContent = String(ch);
    tile.appendChild(caption);
    container.appendChild(tile);
  }
}
