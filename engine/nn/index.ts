/**
 * The nn namespace: Module, Parameter, layers, initialisers and `functional` (also F).
 */
export { Module, Parameter } from './module.ts';
export * from './linear.ts';
export * from './conv.ts';
export * as init from './init.ts';
export * as functional from './functional.ts';
