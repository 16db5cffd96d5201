/**
 * engine/graph: the model graph contract, its file format, the layer catalog and analysis.
 * Pure (no tensors, no DOM): the app imports this folder directly for instant feedback.
 */
export * from './types.ts';
export { LAYERS, getLayer, defaultAttrs, resolveAttrs, checkAttrs, type AttrProblem } from './catalog.ts';
export { analyzeGraph } from './analyze.ts';
export { ShapeError } from './shapes.ts';
export { parseGraph, serializeGraph, migrateGraph, emptyGraph, defaultGraph, GRAPH_MIGRATIONS, type Migration } from './format.ts';
