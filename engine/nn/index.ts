/**
 * The nn namespace: Module, Parameter, layers, initialisers and `functional` (also F).
 */
export { Module, Parameter } from './module.ts';
export * from './layers.ts';
export * from './layers2d.ts';
export * as init from './init.ts';
export * as functional from './functional.ts';
