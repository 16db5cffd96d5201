/**
 * Code generators: a graph (plus its training config and dataset) as source code a person can
 * read and run elsewhere — PyTorch (`toPyTorch` for the code view, `pytorchProjectZip` for a
 * runnable project) and TypeScript on Flowgrad's own engine API (`toTypeScript`, and
 * `applyTypeScript` to bring edited layer arguments back into the graph). Pure
 * string building from engine/graph's analysis; the app's code view shows them live.
 */
export type { CodegenOptions } from './pytorch.ts';
export { toPyTorch, pytorchProjectFiles, pytorchProjectZip, type PytorchProjectInput, type ExportedData } from './pytorchProject.ts';
export { toTypeScript, type TsCodegenOptions } from './typescript.ts';
export { applyTypeScript, type ApplyResult } from './typescriptApply.ts';
export { planGraph, type CodePlan, type PlanStep } from './plan.ts';
