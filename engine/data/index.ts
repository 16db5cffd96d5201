/**
 * The data API (`import { data } from './engine'`): parsers for uploaded files, preparation
 * (roles, one-hot, normalisation, split), augmentation, built-in generated datasets, the
 * batch loader, and `resolveDataset` from a DatasetSpec to training data.
 */
export * from '../project/dataTypes.ts';
export { parseCsv, CsvReader, BadRowsError, sniffDelimiter } from './csv.ts';
export type { CsvOptions } from './csv.ts';
export { parseNpy, parseNpz } from './npy.ts';
export type { NdArray } from './npy.ts';
export { parseIdx } from './idx.ts';
export { parseJsonDataset } from './json.ts';
export { decodeImagePure, encodePng } from './png.ts';
export type { RgbaImage } from './png.ts';
export { listImageZip, decodeImageEntries, pureDecoder } from './image.ts';
export type { ImageDecoder } from './image.ts';
export { parseUpload, decodedBytes } from './detect.ts';
export type { UploadFile, ParseOptions, Parsed } from './detect.ts';
export { summarize } from './summary.ts';
export { planTable, signatureOf } from '../project/dataPlan.ts';
export { prepareStored } from './prepare.ts';
export { stratifiedSplit } from './partition.ts';
export { augmentBatch } from './augment.ts';
export { BUILTINS, makeBuiltin, builtinSignature } from './builtin.ts';
export { makeDigits } from './digits.ts';
export { makeBuiltin2D, BUILTIN_2D } from './builtin2d.ts';
export { DataLoader, transferables } from './loader.ts';
export type { Batch, LoaderOptions } from './loader.ts';
export { resolveDataset, sanitizePrep } from './resolve.ts';
export type { DataIO, ResolveOptions } from './resolve.ts';
