/**
 * PyTorch code for a graph: an `nn.Module` whose `__init__` builds one layer per node (same
 * arguments and parameter shapes as the engine, so weights line up) and whose `forward`
 * follows the graph, then a training loop with the project's optimizer, scheduler,
 * validation split, early stopping, keep-best and gradient clipping. What each layer kind
 * becomes is its row in pytorchLayers.ts; this file only assembles the module. Pure string
 * building.
 */
import type { DatasetSpec, TrainConfig } from '../../project/config.ts';
import { planGraph, rowOf, type PlanStep } from './plan.ts';
import { PYTORCH_LAYERS } from './pytorchLayers.ts';

export interface CodegenOptions {
  training?: TrainConfig;
  dataset?: DatasetSpec;
  /** Name of the model class. */
  className?: string;
}

/** `self.<name> = ...` for a step, or null when the kind is a plain expression in forward. */
function moduleOf(s: PlanStep): string | null {
  return rowOf(PYTORCH_LAYERS, s.type)?.module?.(s) ?? null;
}

/** The forward-pass line computing this step's output. */
function forwardLine(s: PlanStep): string {
  const row = rowOf(PYTORCH_LAYERS, s.type);
  if (!row) return `${s.name} = ${s.inputs[0]}  # unknown layer kind '${s.type}' (listed in the problems above)`;
  return row.forward ? row.forward(s) : `${s.name} = self.${s.name}(${s.inputs[0]})`;
}

/** Helper classes and imports the plan's layer kinds need, each once, in first-use order. */
export function pyExtras(steps: readonly PlanStep[]): { helpers: string[]; imports: string[] } {
  const rows = [...new Set(steps.map((s) => rowOf(PYTORCH_LAYERS, s.type)))];
  return {
    helpers: rows.flatMap((r) => (r?.helper ? [r.helper] : [])),
    imports: [...new Set(rows.flatMap((r) => r?.imports ?? []))],
  };
}

export function modelPy(graph: Parameters<typeof planGraph>[0], className = 'Model'): { code: string; plan: ReturnType<typeof planGraph> } {
  const plan = planGraph(graph);
  const inits = plan.steps.map((s) => [s, moduleOf(s)] as const).filter(([, l]) => l !== null);
  const lines: string[] = [];
  lines.push(...pyExtras(plan.steps).helpers);
  lines.push(`class ${className}(nn.Module):`);
  lines.push(`    """Input: [N, ${plan.inputShape.join(', ')}]${plan.loss?.foldedSoftmax ? '. Returns logits: the Softmax before the loss is folded into CrossEntropyLoss (apply softmax to predict)' : ''}."""`);
  lines.push('', '    def __init__(self):', '        super().__init__()');
  if (inits.length === 0) lines.push('        pass');
  for (const [s, l] of inits) lines.push(`        self.${s.name} = ${l}`);
  lines.push('', `    def forward(self, ${plan.inputName}):`);
  for (const s of plan.steps) lines.push(`        ${forwardLine(s)}`);
  lines.push(`        return ${plan.output}`);
  return { code: lines.join('\n'), plan };
}

