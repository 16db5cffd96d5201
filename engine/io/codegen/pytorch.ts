/**
 * PyTorch code for a graph: an `nn.Module` whose `__init__` builds one layer per node (same
 * arguments and parameter shapes as the engine, so weights line up) and whose `forward`
 * follows the graph, then a training loop with the project's optimizer, scheduler,
 * validation split, early stopping, keep-best and gradient clipping. Layers PyTorch lacks
 * (sinusoidal positional encoding) are emitted as small helper modules. Pure string building.
 */
import type { Attrs } from '../../graph/types.ts';
import type { DatasetSpec, TrainConfig } from '../../project/config.ts';
import { channels, features, planGraph, type PlanStep } from './plan.ts';

export interface CodegenOptions {
  training?: TrainConfig;
  dataset?: DatasetSpec;
  /** Name of the model class. */
  className?: string;
}

const py = (v: unknown): string =>
  typeof v === 'boolean' ? (v ? 'True' : 'False') : Array.isArray(v) ? `(${v.map(py).join(', ')}${v.length === 1 ? ',' : ''})` : typeof v === 'string' ? `'${v}'` : String(v);
const stride = (a: Attrs) => (Number(a.stride) > 0 ? a.stride : a.kernelSize);

/** `self.<name> = ...` for a step, or null when the layer is a plain expression in forward. */
function layer(s: PlanStep): string | null {
  const a = s.attrs;
  const x = s.inputShapes[0];
  switch (s.type) {
    case 'Dense': return `nn.Linear(${features(x)}, ${a.units}${a.bias === false ? ', bias=False' : ''})`;
    case 'Conv1d': return `nn.Conv1d(${channels(x)}, ${a.filters}, kernel_size=${a.kernelSize}, stride=${a.stride}, padding=${a.padding}, dilation=${a.dilation}${a.bias === false ? ', bias=False' : ''})`;
    case 'Conv2d': return `nn.Conv2d(${channels(x)}, ${a.filters}, kernel_size=${a.kernelSize}, stride=${a.stride}, padding=${a.padding}, dilation=${a.dilation}, groups=${a.groups}${a.bias === false ? ', bias=False' : ''})`;
    case 'DepthwiseConv2d': return `nn.Conv2d(${channels(x)}, ${channels(x) * Number(a.depthMultiplier)}, kernel_size=${a.kernelSize}, stride=${a.stride}, padding=${a.padding}, dilation=${a.dilation}, groups=${channels(x)}${a.bias === false ? ', bias=False' : ''})`;
    case 'ConvTranspose2d': return `nn.ConvTranspose2d(${channels(x)}, ${a.filters}, kernel_size=${a.kernelSize}, stride=${a.stride}, padding=${a.padding}, output_padding=${a.outputPadding}${a.bias === false ? ', bias=False' : ''})`;
    case 'MaxPool1d': return `nn.MaxPool1d(${a.kernelSize}, stride=${stride(a)}, padding=${a.padding})`;
    case 'MaxPool2d': return `nn.MaxPool2d(${a.kernelSize}, stride=${stride(a)}, padding=${a.padding})`;
    case 'AvgPool1d': return `nn.AvgPool1d(${a.kernelSize}, stride=${stride(a)}, padding=${a.padding})`;
    case 'AvgPool2d': return `nn.AvgPool2d(${a.kernelSize}, stride=${stride(a)}, padding=${a.padding})`;
    case 'AdaptiveAvgPool': return `nn.AdaptiveAvgPool2d(${py(a.outputSize)})`;
    case 'BatchNorm1d': return `nn.BatchNorm1d(${channels(x)}, eps=${a.eps}, momentum=${a.momentum}, affine=${py(a.affine)})`;
    case 'BatchNorm2d': return `nn.BatchNorm2d(${channels(x)}, eps=${a.eps}, momentum=${a.momentum}, affine=${py(a.affine)})`;
    case 'LayerNorm': return `nn.LayerNorm(${features(x)}, eps=${a.eps}, elementwise_affine=${py(a.affine)})`;
    case 'GroupNorm': return `nn.GroupNorm(${a.groups}, ${channels(x)}, eps=${a.eps}, affine=${py(a.affine)})`;
    case 'Embedding': return `nn.Embedding(${a.numEmbeddings}, ${a.embeddingDim})`;
    case 'PositionalEncoding': return `PositionalEncoding(${features(x)}, max_len=${a.maxLen}, learned=${py(a.kind === 'learned')})`;
    case 'MultiHeadAttention': return `nn.MultiheadAttention(${features(x)}, ${a.numHeads}, dropout=${a.dropout}, batch_first=True)`;
    case 'TransformerEncoderBlock': return `nn.TransformerEncoderLayer(${features(x)}, ${a.numHeads}, dim_feedforward=${a.dimFeedforward}, dropout=${a.dropout}, activation=${py(a.activation)}, batch_first=True, norm_first=${py(a.normFirst)})`;
    case 'LSTM': return `nn.LSTM(${features(x)}, ${a.hiddenSize}, batch_first=True${a.bias === false ? ', bias=False' : ''})`;
    case 'GRU': return `nn.GRU(${features(x)}, ${a.hiddenSize}, batch_first=True${a.bias === false ? ', bias=False' : ''})`;
    case 'Upsample': return `nn.Upsample(scale_factor=${a.scale}, mode='nearest')`;
    case 'Flatten': return 'nn.Flatten()';
    case 'ReLU': return 'nn.ReLU()';
    case 'LeakyReLU': return `nn.LeakyReLU(${a.slope})`;
    case 'ELU': return `nn.ELU(${a.alpha})`;
    case 'GELU': return 'nn.GELU()';
    case 'SiLU': return 'nn.SiLU()';
    case 'Tanh': return 'nn.Tanh()';
    case 'Sigmoid': return 'nn.Sigmoid()';
    case 'Softmax': return `nn.Softmax(dim=${a.dim})`;
    case 'LogSoftmax': return `nn.LogSoftmax(dim=${a.dim})`;
    case 'Dropout': return `nn.Dropout(${a.p})`;
    default: return null;
  }
}

/** The forward-pass line computing this step's output. */
function call(s: PlanStep): string {
  const [a, b] = s.inputs;
  const t = s.attrs;
  switch (s.type) {
    case 'Add': return `${s.name} = ${a} + ${b}`;
    case 'Multiply': return `${s.name} = ${a} * ${b}`;
    case 'Concat': return `${s.name} = torch.cat([${a}, ${b}], dim=${t.dim})`;
    case 'GlobalAvgPool': return `${s.name} = ${a}.mean(dim=tuple(range(2, ${a}.dim())))`;
    case 'Reshape': return `${s.name} = ${a}.reshape(${a}.shape[0], ${(t.shape as number[]).join(', ')})`;
    case 'Permute': return `${s.name} = ${a}.permute(0, ${(t.dims as number[]).join(', ')})`;
    case 'Embedding': return `${s.name} = self.${s.name}(${a}.long())`;
    case 'MultiHeadAttention':
      return t.causal
        ? `${s.name} = self.${s.name}(${a}, ${a}, ${a}, need_weights=False, attn_mask=nn.Transformer.generate_square_subsequent_mask(${a}.shape[1]), is_causal=True)[0]`
        : `${s.name} = self.${s.name}(${a}, ${a}, ${a}, need_weights=False)[0]`;
    case 'LSTM':
    case 'GRU':
      return t.returnSequences ? `${s.name}, _ = self.${s.name}(${a})` : `${s.name} = self.${s.name}(${a})[0][:, -1]`;
    case 'CustomCode': return `${s.name} = ${a}  # Custom Code node: its JavaScript forward pass has no automatic translation`;
  }
  return layer(s) ? `${s.name} = self.${s.name}(${a})` : `${s.name} = ${a}  # TODO: no PyTorch equivalent for ${s.type}`;
}

const POS_ENC = `class PositionalEncoding(nn.Module):
    """Adds position information to [N, L, E]: fixed sines/cosines, or learned vectors."""

    def __init__(self, dim, max_len=512, learned=False):
        super().__init__()
        if learned:
            self.pe = nn.Parameter(torch.zeros(max_len, dim))
        else:
            pos = torch.arange(max_len).unsqueeze(1)
            div = torch.exp(torch.arange(0, dim, 2) * (-math.log(10000.0) / dim))
            pe = torch.zeros(max_len, dim)
            pe[:, 0::2] = torch.sin(pos * div)
            pe[:, 1::2] = torch.cos(pos * div[: dim // 2])
            self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.shape[1]]


`;

export function modelPy(graph: Parameters<typeof planGraph>[0], className = 'Model'): { code: string; plan: ReturnType<typeof planGraph> } {
  const plan = planGraph(graph);
  const inits = plan.steps.map((s) => [s, layer(s)] as const).filter(([, l]) => l !== null);
  const lines: string[] = [];
  if (plan.steps.some((s) => s.type === 'PositionalEncoding')) lines.push(POS_ENC);
  lines.push(`class ${className}(nn.Module):`);
  lines.push(`    """Input: [N, ${plan.inputShape.join(', ')}]${plan.loss?.foldedSoftmax ? '. Returns logits: the Softmax before the loss is folded into CrossEntropyLoss (apply softmax to predict)' : ''}."""`);
  lines.push('', '    def __init__(self):', '        super().__init__()');
  if (inits.length === 0) lines.push('        pass');
  for (const [s, l] of inits) lines.push(`        self.${s.name} = ${l}`);
  lines.push('', `    def forward(self, ${plan.inputName}):`);
  for (const s of plan.steps) lines.push(`        ${call(s)}`);
  lines.push(`        return ${plan.output}`);
  return { code: lines.join('\n'), plan };
}

