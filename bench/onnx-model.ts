/**
 * A minimal protobuf writer for one ONNX model: a single `Conv` node (depthwise: group = channels; or
 * pointwise: group 1) with its weight as an initializer, NCHW float32. Only the fields ONNX Runtime needs are written (onnx.proto, proto2:
 * repeated scalars unpacked).
 */

class Writer {
  private readonly bytes: number[] = [];

  varint(value: number): this {
    let v = BigInt(value);
    if (v < 0n) v += 1n << 64n; // int64 two's complement
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      this.bytes.push(byte);
    } while (v !== 0n);
    return this;
  }

  private key(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  int(field: number, value: number): this {
    return this.key(field, 0).varint(value);
  }

  ints(field: number, values: readonly number[]): this {
    for (const v of values) this.int(field, v);
    return this;
  }

  bytesField(field: number, data: Uint8Array): this {
    this.key(field, 2).varint(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

const FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

function valueInfo(w: Writer, name: string, shape: readonly number[]): void {
  w.string(1, name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.int(1, FLOAT).message(2, (s) => {
        for (const d of shape) s.message(1, (dim) => dim.int(1, d));
      }),
    ),
  );
}

export interface ConvModel {
  batch: number;
  channels: number;
  /** Output channels (= `channels` for depthwise). */
  filters: number;
  /** `channels` for depthwise, 1 for an ordinary convolution. */
  group: number;
  height: number;
  width: number;
  kernel: number;
  stride: number;
  dilation: number;
  /** [top, left, bottom, right] as ONNX orders `pads`. */
  pads: readonly [number, number, number, number];
  /** Keras layout `[kh, kw, C / group, filters]`; transposed here to ONNX's `[filters, C / group, kh, kw]`. */
  weights: Float32Array;
}

/** Serialized ModelProto: `Y = Conv(X, W, group)`, X `[N, C, H, W]`. */
export function convOnnx(m: ConvModel): Uint8Array {
  const { filters: F, kernel: K } = m;
  const cin = m.channels / m.group;
  const w = new Float32Array(F * cin * K * K);
  for (let ky = 0; ky < K; ky++) {
    for (let kx = 0; kx < K; kx++) {
      for (let ci = 0; ci < cin; ci++) {
        for (let f = 0; f < F; f++) w[((f * cin + ci) * K + ky) * K + kx] = m.weights[((ky * K + kx) * cin + ci) * F + f];
      }
    }
  }
  const span = (K - 1) * m.dilation + 1;
  const outH = Math.floor((m.height + m.pads[0] + m.pads[2] - span) / m.stride) + 1;
  const outW = Math.floor((m.width + m.pads[1] + m.pads[3] - span) / m.stride) + 1;
  const model = new Writer();
  model.int(1, 8); // ir_version
  model.string(2, 'depthwise-bench');
  model.message(8, (op) => op.string(1, '').int(2, 13)); // opset_import
  model.message(7, (g) => {
    g.message(1, (node) => {
      node.string(1, 'X').string(1, 'W').string(2, 'Y').string(3, 'conv').string(4, 'Conv');
      const attr = (name: string, values: readonly number[] | number): void => {
        node.message(5, (a) => {
          a.string(1, name);
          if (typeof values === 'number') a.int(3, values).int(20, ATTR_INT);
          else a.ints(8, values).int(20, ATTR_INTS);
        });
      };
      attr('group', m.group);
      attr('kernel_shape', [K, K]);
      attr('strides', [m.stride, m.stride]);
      attr('dilations', [m.dilation, m.dilation]);
      attr('pads', m.pads);
    });
    g.string(2, 'conv-graph');
    g.message(5, (t) => {
      t.ints(1, [F, cin, K, K]).int(2, FLOAT).string(8, 'W');
      t.bytesField(9, new Uint8Array(w.buffer, w.byteOffset, w.byteLength));
    });
    g.message(11, (v) => valueInfo(v, 'X', [m.batch, m.channels, m.height, m.width]));
    g.message(12, (v) => valueInfo(v, 'Y', [m.batch, F, outH, outW]));
  });
  return model.finish();
}
