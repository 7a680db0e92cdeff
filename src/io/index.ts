/** Saving, loading and interop: what `src/index.ts` re-exports. */

export { ioReady } from './hdf5.js';
export { saveModel, saveModelSync, loadModel, loadModelSync, saveWeights, saveWeightsSync, loadWeights, loadWeightsSync, checkpointSave } from './api.js';
export type { LoadWeightsOptions, SaveOptions } from './api.js';
export { setHdf5Timeout } from './h5-isolate.js';
export type { LoadOptions } from './keras-format.js';
export type { ModelSource } from './model-source.js';
export type { LoadLimits } from './budget.js';
export { DEFAULT_LIMITS } from './budget.js';
export { modelToKerasBytes, modelFromKerasBytes, KERAS_FORMAT_VERSION } from './keras-format.js';
export { modelFromConfig, modelFromJson, cloneModel } from './model-config.js';
export { modelToConfig } from './config-write.js';
export { registerLayer, unregisterLayer, BUILT_IN_LAYER_CLASSES } from '../layers/registry.js';
export type { LayerFromConfig } from '../layers/registry.js';
// Custom objects a saved config may name: each loads only once registered, as Keras's custom_objects.
export { registerActivation, unregisterActivation } from '../activations/registry.js';
export { registerInitializer, unregisterInitializer } from '../initializers/registry.js';
export { registerRegularizer, unregisterRegularizer } from '../regularizers/get.js';
export { registerConstraint, unregisterConstraint } from '../constraints/get.js';
export { exportOnnx, modelToOnnxBytes } from './onnx.js';
export { exportTfjs } from './tfjs.js';
export { modelFromTfjs, modelFromTfjsJson, memoryShards } from './tfjs-load.js';
export type { ShardSource } from './tfjs-load.js';
export { ModelFileError } from './errors.js';

import { installModelPersistence } from '../models/model.js';
import { installCheckpointSaver } from '../training/callbacks/index.js';
import { checkpointSave, loadWeights, saveModel, saveWeights } from './api.js';
import { ioNotReady, ioReady } from './hdf5.js';
import { modelToConfig as writeModelConfig } from './config-write.js';
import { modelFromConfig } from './model-config.js';
import type { Config } from '../serialization/keras-object.js';

// Model.getConfig(), save, saveWeights and loadWeights reach the formats through this hook (models sit below io).
installModelPersistence({
  modelConfig: (model) => writeModelConfig(model).config,
  serializeModel: (model) => writeModelConfig(model) as unknown as Config,
  deserializeModel: (serialized) => modelFromConfig(serialized),
  saveModel,
  saveWeights,
  loadWeights,
});

// ModelCheckpoint saves through this hook (training sits below io): it starts loading HDF5 when a
// checkpoint is made, and refuses at onTrainBegin, before any epoch, when the module is still loading.
installCheckpointSaver({
  start: () => {
    ioReady().catch(() => undefined); // a failure to load is reported by notReady
  },
  notReady: ioNotReady,
  save: checkpointSave,
});
