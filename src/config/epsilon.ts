/**
 * Keras's `keras.config.epsilon()` default, 1e-7: the fuzz factor norm constraints add to denominators (so
 * an all-zero slice maps to zero instead of NaN), crossentropy clips probabilities by, and the orthogonal
 * regularizer bounds inverse norms with.
 */
export const EPSILON = 1e-7;
