/**
 * The nn namespace: Module, Parameter, the layer modules (linear, conv, recurrent),
 * initialisers and `functional` (also F). Generated TypeScript (io/codegen) uses only these.
 */
export { Module, Parameter } from './module.ts';
export * from './linear.ts';
export * from './conv.ts';
export * from './recurrent.ts';
export * as init from './init.ts';
export * as functional from './functional.ts';
