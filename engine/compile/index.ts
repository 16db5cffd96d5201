/**
 * Static graphs: compile() traces eager code (forward, and backward when params are given)
 * into a Plan with fused elementwise kernels and a liveness-based memory plan.
 */
export { compile, compileModule } from './compile.ts';
export type { CompileOptions, CompiledFunction, CompiledResult } from './compile.ts';
export type { PlanStats, PlanOptions } from './plan.ts';
export { isTracing } from './trace.ts';
