/**
 * PyTorch code for a graph: an `nn.Module` whose `__init__` builds one layer per node (same
 * arguments and parameter shapes as the engine, so weights line up) and whose `forward`
 * follows the graph, plus the functions that load Flowgrad's weights file into it with
 * `strict=True` (and save a PyTorch-trained model back under Flowgrad's names). What each
 * layer kind becomes is its row in pytorchLayers.ts; this file only assembles the module.
 * Pure string building.
 */
import type { DatasetSpec, TrainConfig } from '../../project/config.ts';
import { planGraph, rowOf, type CodePlan, type PlanStep } from './plan.ts';
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

const pyStr = (s: string): string => JSON.stringify(s);
const pyDict = (entries: [string, string][]): string => `{${entries.map(([k, v]) => `${pyStr(k)}: ${pyStr(v)}`).join(', ')}}`;
const pyTuple = (items: string[]): string => `(${items.map(pyStr).join(', ')}${items.length === 1 ? ',' : ''})`;

/** The model's docstring: what forward() takes and returns. */
function classDoc(plan: CodePlan): string {
  const folded = 'the Softmax before the loss is folded into CrossEntropyLoss (predict() applies it)';
  if (plan.inputs.length <= 1 && plan.heads.length <= 1) return `Input: [N, ${plan.inputShape.join(', ')}]${plan.loss?.foldedSoftmax ? `. Returns logits: ${folded}` : ''}.`;
  const ins = plan.inputs.map((i) => `${i.name} [N, ${i.shape.join(', ')}]`).join(', ');
  const outs = plan.heads.map((h) => `${h.output} (Output / Loss '${h.id}'${h.loss.foldedSoftmax ? ', logits' : ''})`).join(', ');
  return `Inputs: ${ins} (split_inputs() cuts them from a sample). Returns ${plan.heads.length > 1 ? `one output per Output / Loss: ${outs}` : outs}${plan.heads.some((h) => h.loss.foldedSoftmax) ? `; logits: ${folded}` : ''}.`;
}

/** The class definition (helpers first). */
export function modelPy(graph: Parameters<typeof planGraph>[0], className = 'Model'): { code: string; plan: CodePlan } {
  const plan = planGraph(graph);
  const inits = plan.steps.map((s) => [s, moduleOf(s)] as const).filter(([, l]) => l !== null);
  const lines: string[] = [];
  lines.push(...pyExtras(plan.steps).helpers);
  lines.push(`class ${className}(nn.Module):`);
  lines.push(`    """${classDoc(plan)}"""`);
  lines.push('', '    def __init__(self):', '        super().__init__()');
  if (inits.length === 0) lines.push('        pass');
  for (const [s, l] of inits) lines.push(`        self.${s.name} = ${l}`);
  const args = plan.inputs.length ? plan.inputs.map((i) => i.name) : [plan.inputName];
  lines.push('', `    def forward(self, ${args.join(', ')}):`);
  for (const s of plan.steps) lines.push(`        ${forwardLine(s)}`);
  lines.push(`        return ${plan.heads.length > 1 ? plan.heads.map((h) => h.output).join(', ') : plan.output}`);
  return { code: lines.join('\n'), plan };
}

/**
 * split_inputs(x): forward()'s arguments from a batch of samples as Flowgrad stores them. One
 * Input at offset 0 takes the batch as it is; several Inputs each take their slice of a
 * sample's flattened values (offset, size of the shape), reshaped, as GraphModel feeds them.
 */
function splitInputsPy(plan: CodePlan): string {
  const single = plan.inputs.length <= 1 && (plan.inputs[0]?.offset ?? 0) === 0;
  const doc = `    """forward()'s arguments from a batch of samples (rows of data.npz's x arrays)."""`;
  if (single) return `def split_inputs(x):\n${doc}\n    return (x,)`;
  const rows = plan.inputs.map((i) => `(${pyStr(i.name)}, ${i.offset}, (${i.shape.join(', ')}${i.shape.length === 1 ? ',' : ''}))`);
  return `# Each Input reads its slice of a sample's flattened values: (forward() argument, offset, shape).
INPUTS = (${rows.join(', ')}${rows.length === 1 ? ',' : ''})


def split_inputs(x):
${doc}
    flat = x.reshape(len(x), -1)
    return tuple(flat[:, o : o + math.prod(s)].reshape(-1, *s) for _, o, s in INPUTS)`;
}

/**
 * Flowgrad's weights file names tensors `<node id>.<parameter>`; the modules here are named
 * after the nodes (made valid Python), and a few parameters are spelled differently
 * (BatchNorm's running statistics). This writes the documented key map and the strict
 * loader / saver that use it.
 */
export function weightsPy(plan: CodePlan, className = 'Model'): string {
  const withModule = plan.steps.filter((s) => moduleOf(s) !== null);
  const nodeOf = withModule.filter((s) => s.name !== s.id).map((s) => [s.name, s.id] as [string, string]);
  const rows = [...new Set(plan.steps.map((s) => rowOf(PYTORCH_LAYERS, s.type)))];
  const renames = Object.entries(Object.assign({}, ...rows.map((r) => r?.renames ?? {})) as Record<string, string>);
  const torchOnly = [...new Set(rows.flatMap((r) => r?.torchOnly ?? []))];
  const untranslated = plan.steps.filter((s) => s.type === 'CustomCode').map((s) => s.id);
  const softmax = plan.loss?.foldedSoftmax ? '\n    return torch.softmax(out, dim=-1)' : '\n    return out';
  const multi = plan.heads.length > 1;
  return `# Flowgrad saves weights as "<node id>.<parameter>" (safetensors). The modules above are named
# after the nodes; where a module's Python name or a parameter's name differs, these say how.
NODE_OF_MODULE = ${pyDict(nodeOf)}  # module attribute -> Flowgrad node id
RENAMES = ${pyDict(renames)}  # PyTorch parameter name -> Flowgrad's
TORCH_ONLY = ${pyTuple(torchOnly)}  # PyTorch bookkeeping Flowgrad does not keep (left as initialised)
NOT_TRANSLATED = ${pyTuple(untranslated)}  # Custom Code nodes: their JavaScript (and weights) have no PyTorch translation


def flowgrad_key(key):
    """The Flowgrad name of a state_dict entry, e.g. bn0.running_mean -> bn0.runningMean."""
    head, _, rest = key.partition(".")
    path = rest.split(".")
    path[-1] = RENAMES.get(path[-1], path[-1])
    return ".".join([NODE_OF_MODULE.get(head, head), *path])


def load_flowgrad_weights(model, path="weights.safetensors"):
    """Loads Flowgrad's weights file: every tensor must have its place and shape (strict=True)."""
    from safetensors.torch import load_file

    tensors = load_file(path)
    state, missing = {}, []
    for key, mine in model.state_dict().items():
        name = flowgrad_key(key)
        if key.rpartition(".")[2] in TORCH_ONLY:
            state[key] = mine
        elif name not in tensors:
            missing.append(name)
        elif tuple(tensors[name].shape) != tuple(mine.shape):
            raise ValueError(f"{path}: '{name}' is {tuple(tensors[name].shape)} but the model needs {tuple(mine.shape)}")
        else:
            state[key] = tensors.pop(name).to(mine.dtype)
    unused = sorted(k for k in tensors if k.partition(".")[0] not in NOT_TRANSLATED)
    if missing or unused:
        raise ValueError(f"{path} does not match ${className}: missing {missing}, unused {unused}")
    model.load_state_dict(state, strict=True)
    return model


def save_flowgrad_weights(model, path):
    """Writes the weights under Flowgrad's names (the weights.safetensors of a .flowgrad.zip project)."""
    from safetensors.torch import save_file

    state = {flowgrad_key(k): v.detach().float().cpu().contiguous() for k, v in model.state_dict().items() if k.rpartition(".")[2] not in TORCH_ONLY}
    save_file(state, path, metadata={"format": "flowgrad", "producer": "pytorch"})


${splitInputsPy(plan)}


def heads(out):
    """forward()'s result as a tuple: one output per Output / Loss node (the first is the prediction)."""
    return out if isinstance(out, tuple) else (out,)


@torch.no_grad()
def predict(model, x):
    """The model's prediction in eval mode (as Flowgrad predicts${multi ? ': its first Output / Loss' : ''}) for a batch of samples."""
    model.eval()
    out = heads(model(*split_inputs(x)))[0]${softmax}${multi ? `


@torch.no_grad()
def predict_all(model, x):
    """Every Output / Loss node's prediction, in order (softmax applied where the loss folds it)."""
    model.eval()
    folded = (${plan.heads.map((h) => (h.loss.foldedSoftmax ? 'True' : 'False')).join(', ')})
    return tuple(torch.softmax(o, dim=-1) if f else o for o, f in zip(heads(model(*split_inputs(x))), folded))` : ''}`;
}
