/**
 * The PyTorch export's per-layer table: for every model layer kind, the module `__init__`
 * builds (same arguments and parameter shapes as the engine, so weights line up), the line
 * `forward` runs, or both, plus any helper class the kind needs (PyTorch has no sinusoidal
 * positional encoding). Typed `Record<ModelLayerType, PyLayer>`: a kind added to the catalog
 * without its row does not compile, so the export never silently skips a layer.
 */
import type { ModelLayerType } from '../../graph/catalog.ts';
import type { Attrs } from '../../graph/types.ts';
import { channels, features, type PlanStep } from './plan.ts';

/**
 * How one kind is written: `module` is the expression assigned to `self.<name>` (the
 * default forward line then calls it on the first input); `forward` is the whole forward
 * line when the kind needs another one (or is a plain expression without a module).
 */
export type PyLayer = {
  module?(s: PlanStep): string;
  forward?(s: PlanStep): string;
  /** Python source of a helper class written before the model (once per file). */
  helper?: string;
  /** Modules the helper imports. */
  imports?: readonly string[];
  /**
   * Where a state_dict entry's last name differs from Flowgrad's safetensors key
   * (`<nodeId>.<param>`): PyTorch name → Flowgrad name. model.py applies these to load
   * Flowgrad's weights with strict=True.
   */
  renames?: Readonly<Record<string, string>>;
  /** State entries PyTorch keeps that Flowgrad has no tensor for (left as PyTorch made them). */
  torchOnly?: readonly string[];
} & ({ module(s: PlanStep): string } | { forward(s: PlanStep): string });

const py = (v: unknown): string =>
  typeof v === 'boolean' ? (v ? 'True' : 'False') : Array.isArray(v) ? `(${v.map(py).join(', ')}${v.length === 1 ? ',' : ''})` : typeof v === 'string' ? `'${v}'` : String(v);
const stride = (a: Attrs) => (Number(a.stride) > 0 ? a.stride : a.kernelSize);
const noBias = (a: Attrs) => (a.bias === false ? ', bias=False' : '');
const x0 = (s: PlanStep) => s.inputShapes[0];
/** A module built from the step's attributes and first input shape. */
const mod = (f: (a: Attrs, s: PlanStep) => string): PyLayer => ({ module: (s) => f(s.attrs, s) });
/** A parameter-free module with a fixed constructor call. */
const fixed = (expr: string): PyLayer => ({ module: () => expr });
/** A forward-only line `name = <expr of the inputs and attributes>`. */
const line = (f: (a: string, b: string, t: Attrs) => string): PyLayer => ({ forward: (s) => `${s.name} = ${f(s.inputs[0] ?? '', s.inputs[1] ?? '', s.attrs)}` });
const pool = (cls: string): PyLayer => mod((a) => `nn.${cls}(${a.kernelSize}, stride=${stride(a)}, padding=${a.padding})`);
const recurrent = (cls: 'LSTM' | 'GRU'): PyLayer => ({
  module: (s) => `nn.${cls}(${features(x0(s))}, ${s.attrs.hiddenSize}, batch_first=True${noBias(s.attrs)})`,
  forward: (s) => (s.attrs.returnSequences ? `${s.name}, _ = self.${s.name}(${s.inputs[0]})` : `${s.name} = self.${s.name}(${s.inputs[0]})[0][:, -1]`),
});

/** BatchNorm: Flowgrad saves the running statistics camelCased; PyTorch also counts batches (Flowgrad does not). */
const batchNorm = (cls: string): PyLayer => ({
  ...mod((a, s) => `nn.${cls}(${channels(x0(s))}, eps=${a.eps}, momentum=${a.momentum}, affine=${py(a.affine)})`),
  renames: { running_mean: 'runningMean', running_var: 'runningVar' },
  torchOnly: ['num_batches_tracked'],
});

const POS_ENC = `class PositionalEncoding(nn.Module):
    """Adds position information to [N, L, E]: fixed sines/cosines (not saved), or a learned table \`weight\` [max_len, E]."""

    def __init__(self, dim, max_len=512, learned=False):
        super().__init__()
        if learned:
            self.weight = nn.Parameter(torch.zeros(max_len, dim))
        else:
            # Computed in float64 as Flowgrad does, then stored as float32.
            pos = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)
            div = torch.pow(10000.0, -torch.arange(0, dim, 2, dtype=torch.float64) / dim)
            pe = torch.zeros(max_len, dim, dtype=torch.float64)
            pe[:, 0::2] = torch.sin(pos * div)
            pe[:, 1::2] = torch.cos(pos * div[: dim // 2])
            self.register_buffer("pe", pe.float(), persistent=False)

    def forward(self, x):
        table = self.weight if hasattr(self, "weight") else self.pe
        return x + table[: x.shape[1]]


`;

export const PYTORCH_LAYERS: Record<ModelLayerType, PyLayer> = {
  Dense: mod((a, s) => `nn.Linear(${features(x0(s))}, ${a.units}${noBias(a)})`),
  Add: line((a, b) => `${a} + ${b}`),
  Multiply: line((a, b) => `${a} * ${b}`),
  Concat: line((a, b, t) => `torch.cat([${a}, ${b}], dim=${t.dim})`),
  Flatten: fixed('nn.Flatten()'),
  Conv1d: mod((a, s) => `nn.Conv1d(${channels(x0(s))}, ${a.filters}, kernel_size=${a.kernelSize}, stride=${a.stride}, padding=${a.padding}, dilation=${a.dilation}${noBias(a)})`),
  Conv2d: mod((a, s) => `nn.Conv2d(${channels(x0(s))}, ${a.filters}, kernel_size=${a.kernelSize}, stride=${a.stride}, padding=${a.padding}, dilation=${a.dilation}, groups=${a.groups}${noBias(a)})`),
  DepthwiseConv2d: mod((a, s) => {
    const c = channels(x0(s));
    return `nn.Conv2d(${c}, ${c * Number(a.depthMultiplier)}, kernel_size=${a.kernelSize}, stride=${a.stride}, padding=${a.padding}, dilation=${a.dilation}, groups=${c}${noBias(a)})`;
  }),
  ConvTranspose2d: mod((a, s) => `nn.ConvTranspose2d(${channels(x0(s))}, ${a.filters}, kernel_size=${a.kernelSize}, stride=${a.stride}, padding=${a.padding}, output_padding=${a.outputPadding}${noBias(a)})`),
  MaxPool1d: pool('MaxPool1d'),
  MaxPool2d: pool('MaxPool2d'),
  AvgPool1d: pool('AvgPool1d'),
  AvgPool2d: pool('AvgPool2d'),
  GlobalAvgPool: line((a) => `${a}.mean(dim=tuple(range(2, ${a}.dim())))`),
  AdaptiveAvgPool: mod((a) => `nn.AdaptiveAvgPool2d(${py(a.outputSize)})`),
  BatchNorm1d: batchNorm('BatchNorm1d'),
  BatchNorm2d: batchNorm('BatchNorm2d'),
  LayerNorm: mod((a, s) => `nn.LayerNorm(${features(x0(s))}, eps=${a.eps}, elementwise_affine=${py(a.affine)})`),
  GroupNorm: mod((a, s) => `nn.GroupNorm(${a.groups}, ${channels(x0(s))}, eps=${a.eps}, affine=${py(a.affine)})`),
  Embedding: {
    module: (s) => `nn.Embedding(${s.attrs.numEmbeddings}, ${s.attrs.embeddingDim})`,
    forward: (s) => `${s.name} = self.${s.name}(${s.inputs[0]}.long())`,
  },
  PositionalEncoding: {
    module: (s) => `PositionalEncoding(${features(x0(s))}, max_len=${s.attrs.maxLen}, learned=${py(s.attrs.kind === 'learned')})`,
    helper: POS_ENC,
    imports: ['math'],
  },
  MultiHeadAttention: {
    module: (s) => `nn.MultiheadAttention(${features(x0(s))}, ${s.attrs.numHeads}, dropout=${s.attrs.dropout}, batch_first=True)`,
    forward: (s) => {
      const a = s.inputs[0]!;
      return s.attrs.causal
        ? `${s.name} = self.${s.name}(${a}, ${a}, ${a}, need_weights=False, attn_mask=nn.Transformer.generate_square_subsequent_mask(${a}.shape[1]), is_causal=True)[0]`
        : `${s.name} = self.${s.name}(${a}, ${a}, ${a}, need_weights=False)[0]`;
    },
  },
  TransformerEncoderBlock: mod((a, s) => `nn.TransformerEncoderLayer(${features(x0(s))}, ${a.numHeads}, dim_feedforward=${a.dimFeedforward}, dropout=${a.dropout}, activation=${py(a.activation)}, batch_first=True, norm_first=${py(a.normFirst)})`),
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  Reshape: line((a, _b, t) => `${a}.reshape(${a}.shape[0], ${(t.shape as number[]).join(', ')})`),
  Permute: line((a, _b, t) => `${a}.permute(0, ${(t.dims as number[]).join(', ')})`),
  Upsample: mod((a) => `nn.Upsample(scale_factor=${a.scale}, mode='nearest')`),
  ReLU: fixed('nn.ReLU()'),
  LeakyReLU: mod((a) => `nn.LeakyReLU(${a.slope})`),
  ELU: mod((a) => `nn.ELU(${a.alpha})`),
  GELU: fixed('nn.GELU()'),
  SiLU: fixed('nn.SiLU()'),
  Tanh: fixed('nn.Tanh()'),
  Sigmoid: fixed('nn.Sigmoid()'),
  Softmax: mod((a) => `nn.Softmax(dim=${a.dim})`),
  LogSoftmax: mod((a) => `nn.LogSoftmax(dim=${a.dim})`),
  Dropout: mod((a) => `nn.Dropout(${a.p})`),
  // The node's JavaScript forward pass has no automatic translation: the export passes its input through and says so.
  CustomCode: line((a) => `${a}  # Custom Code node: its JavaScript forward pass has no automatic translation`),
};
