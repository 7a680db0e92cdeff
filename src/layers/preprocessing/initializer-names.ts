/** The constant initializers preprocessing layers create their statistics with. */
import type { Initializer } from '../../initializers/index.js';
import { getInitializer } from '../../initializers/index.js';

/** A Keras initializer by name ('zeros', 'ones'). */
export function initializerFromName(name: 'zeros' | 'ones'): Initializer {
  return getInitializer(name, 'initializer');
}
