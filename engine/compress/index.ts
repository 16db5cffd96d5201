/**
 * Model compression's public API (docs/compression.md): pruning, int8/float16 quantization,
 * distillation, and the run that builds and measures the variants.
 */
export { COMPRESS_LAYERS, compressRow, type ChannelRule, type CompressRow } from './layers.ts';
export { channelGroups, shrinkChannels, type ChannelGroup, type HostTensor } from './channels.ts';
export { PruneCallback, applyMasks, computeMasks, prunableParams, sparsityAt, sparsityReport, type LayerSparsity, type PruneMasks, type PruneMode, type PruneOptions, type SparsitySchedule } from './prune.ts';
export { encodeHostTensors, hostTensors, stripChannels } from './strip.ts';
export { calibrate, fakeQuant, quantizeModel, quantizePerChannel, dequantizePerChannel, simulateQuantized, type ActQuant, type Calibration, type QuantizedModel, type WeightQuant } from './quantize.ts';
export { decodeFloat16, decodeInt8, encodeFloat16, encodeInt8 } from './quantFile.ts';
export { distillLossFn, distillationLoss, softTargetLoss, suggestStudent, type DistillOptions } from './distill.ts';
export { measureModel, type VariantReport } from './report.ts';
export { compressModel, type CompressHooks, type CompressJob, type CompressedVariant } from './pipeline.ts';
export { int8ProjectToOnnx, int8ToOnnx, onnxQuantization } from './onnx.ts';
export { int8Setup } from './int8Model.ts';
