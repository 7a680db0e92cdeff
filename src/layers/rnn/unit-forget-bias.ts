/**
 * The bias initializer Keras's LSTM cells use with `unit_forget_bias=True`: the forget gate's quarter
 * starts at 1 and the other three quarters come from the layer's `bias_initializer`, so the cell starts
 * out remembering (Jozefowicz et al., 2015). Internal: the layer's config keeps `bias_initializer` and
 * `unit_forget_bias`, never this class.
 */

import type { FloatDType } from '../../engine/dtype.js';
import type { Tensor } from '../../engine/tensor.js';
import { ones } from '../../engine/tensor.js';
import { Initializer } from '../../initializers/index.js';
import { concat } from '../../ops/concat.js';

export class UnitForgetBias extends Initializer {
  readonly className = 'UnitForgetBias';

  constructor(
    private readonly rest: Initializer,
    private readonly units: number,
  ) {
    super();
  }

  /** `[rest(units), ones(units), rest(2 * units)]`, Keras's order of the gates i, f, c, o. */
  call(_shape: readonly number[], dtype: FloatDType = 'float32'): Tensor {
    const u = this.units;
    return concat([this.rest.call([u], dtype), ones([u], dtype), this.rest.call([2 * u], dtype)], 0);
  }
}
