/**
 * TypeScript for a graph on Flowgrad's own engine API: an `nn.Module` subclass with one
 * field per layer and a `forward` that follows the graph, then a training loop — seeded
 * data, validation split, optimizer and scheduler, one `scope()` per step so nothing leaks,
 * `noGrad()` evaluation. It imports only engine/index.ts (and the built-in data generator),
 * so it runs with `npx tsx` next to the repository. Pure string building.
 */
import type { Attrs } from '../../graph/types.ts';
import type { DatasetSpec, SchedulerConfig, TrainConfig } from '../../project/config.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../project/config.ts';
import type { GraphJSON } from '../../graph/types.ts';
import { channels, features, planGraph, type CodePlan, type PlanStep } from './plan.ts';
import { TS_HELPERS } from './tsHelpers.ts';

export interface TsCodegenOptions {
  training?: TrainConfig;
  dataset?: DatasetSpec;
  className?: string;
  /** Path of the engine folder as the generated file imports it (default './engine'). */
  engineRoot?: string;
}

const bias = (a: Attrs) => (a.bias === false ? ', bias: false' : '');
const stride = (a: Attrs) => (Number(a.stride) > 0 ? a.stride : a.kernelSize);

/** `new ...` for the layer's field, or null when it is a plain expression in forward. */
function layer(s: PlanStep): string | null {
  const a = s.attrs;
  const x = s.inputShapes[0];
  switch (s.type) {
    case 'Dense': return `new nn.Linear(${features(x)}, ${a.units}${a.bias === false ? ', { bias: false }' : ''})`;
    case 'Conv1d': return `new nn.Conv1d(${channels(x)}, ${a.filters}, ${a.kernelSize}, { stride: ${a.stride}, padding: ${a.padding}, dilation: ${a.dilation}${bias(a)} })`;
    case 'Conv2d': return `new nn.Conv2d(${channels(x)}, ${a.filters}, ${a.kernelSize}, { stride: ${a.stride}, padding: ${a.padding}, dilation: ${a.dilation}, groups: ${a.groups}${bias(a)} })`;
    case 'DepthwiseConv2d': return `new nn.Conv2d(${channels(x)}, ${channels(x) * Number(a.depthMultiplier)}, ${a.kernelSize}, { stride: ${a.stride}, padding: ${a.padding}, dilation: ${a.dilation}, groups: ${channels(x)}${bias(a)} })`;
    case 'ConvTranspose2d': return `new nn.ConvTranspose2d(${channels(x)}, ${a.filters}, ${a.kernelSize}, { stride: ${a.stride}, padding: ${a.padding}, outputPadding: ${a.outputPadding}${bias(a)} })`;
    case 'MaxPool2d': return `new nn.MaxPool2d({ kernelSize: ${a.kernelSize}, stride: ${stride(a)}, padding: ${a.padding} })`;
    case 'AvgPool2d': return `new nn.AvgPool2d({ kernelSize: ${a.kernelSize}, stride: ${stride(a)}, padding: ${a.padding} })`;
    case 'AdaptiveAvgPool': return `new nn.AdaptiveAvgPool2d([${(a.outputSize as number[]).join(', ')}])`;
    case 'BatchNorm1d': return `new nn.BatchNorm1d(${channels(x)}, { eps: ${a.eps}, momentum: ${a.momentum}, affine: ${a.affine} })`;
    case 'BatchNorm2d': return `new nn.BatchNorm2d(${channels(x)}, { eps: ${a.eps}, momentum: ${a.momentum}, affine: ${a.affine} })`;
    case 'LayerNorm': return `new nn.LayerNorm(${features(x)}, { eps: ${a.eps}, elementwiseAffine: ${a.affine} })`;
    case 'GroupNorm': return `new GroupNorm(${a.groups}, ${channels(x)}, ${a.eps}, ${a.affine})`;
    case 'Embedding': return `new nn.Embedding(${a.numEmbeddings}, ${a.embeddingDim})`;
    case 'PositionalEncoding': return `new PositionalEncoding(${features(x)}, ${a.maxLen}, ${a.kind === 'learned'})`;
    case 'MultiHeadAttention': return `new MultiHeadAttention(${features(x)}, ${a.numHeads}, ${a.causal}, ${a.dropout})`;
    case 'TransformerEncoderBlock': return `new TransformerEncoderBlock(${features(x)}, ${a.numHeads}, ${a.dimFeedforward}, ${a.dropout}, '${a.activation}', ${a.normFirst})`;
    case 'LSTM': return `new nn.LSTM(${features(x)}, ${a.hiddenSize}, { returnSequences: ${a.returnSequences}${bias(a)} })`;
    case 'GRU': return `new nn.GRU(${features(x)}, ${a.hiddenSize}, { returnSequences: ${a.returnSequences}${bias(a)} })`;
    case 'Flatten': return 'new nn.Flatten()';
    case 'ReLU': return 'new nn.ReLU()';
    case 'LeakyReLU': return `new nn.LeakyReLU(${a.slope})`;
    case 'ELU': return `new nn.ELU(${a.alpha})`;
    case 'GELU': return 'new nn.GELU()';
    case 'SiLU': return 'new nn.SiLU()';
    case 'Tanh': return 'new nn.Tanh()';
    case 'Sigmoid': return 'new nn.Sigmoid()';
    case 'Softmax': return `new nn.Softmax(${a.dim})`;
    case 'LogSoftmax': return `new nn.LogSoftmax(${a.dim})`;
    case 'Dropout': return `new nn.Dropout(${a.p})`;
    default: return null;
  }
}

function call(s: PlanStep): string {
  const [a, b] = s.inputs;
  const t = s.attrs;
  const out = `const ${s.name} =`;
  switch (s.type) {
    case 'Add': return `${out} ${a}.add(${b});`;
    case 'Multiply': return `${out} ${a}.mul(${b});`;
    case 'Concat': return `${out} concat([${a}, ${b}], ${t.dim});`;
    case 'GlobalAvgPool': return `${out} ${a}.flatten(2).mean(2);`;
    case 'MaxPool1d': return `${out} F.maxPool1d(${a}, { kernelSize: ${t.kernelSize}, stride: ${stride(t)}, padding: ${t.padding} });`;
    case 'AvgPool1d': return `${out} F.avgPool1d(${a}, { kernelSize: ${t.kernelSize}, stride: ${stride(t)}, padding: ${t.padding} });`;
    case 'Upsample': return `${out} F.interpolate(${a}, { scaleFactor: ${t.scale}, mode: 'nearest' });`;
    case 'Reshape': return `${out} ${a}.reshape([${a}.shape[0], ${(t.shape as number[]).join(', ')}]);`;
    case 'Permute': return `${out} ${a}.permute([0, ${(t.dims as number[]).join(', ')}]);`;
    case 'Embedding': return `${out} this.${s.name}.forward(${a}.cast('int32'));`;
    case 'CustomCode': return `${out} ${a}; // Custom Code node: paste its forward(x, ctx) body here`;
  }
  return layer(s) ? `${out} this.${s.name}.forward(${a});` : `${out} ${a}; // TODO: ${s.type} has no generated code yet`;
}

function lossTs(kind: string, a: Attrs): string {
  switch (kind) {
    case 'mse': return 'F.mseLoss(out, target)';
    case 'l1': return 'F.l1Loss(out, target)';
    case 'huber': return `F.huberLoss(out, target, { delta: ${a.delta ?? 1} })`;
    case 'bce': return 'F.binaryCrossEntropy(out, target)';
    case 'bceWithLogits': return 'F.binaryCrossEntropyWithLogits(out, target)';
    case 'nll': return 'F.nllLoss(out, target)';
    case 'klDiv': return "F.klDiv(out, target, { reduction: 'batchmean' })";
    default: return `F.crossEntropy(out, target${Number(a.labelSmoothing) ? `, { labelSmoothing: ${a.labelSmoothing} }` : ''})`;
  }
}

function optimizerTs(c: TrainConfig): string {
  const o = c.optimizerOptions ?? {};
  const opts = [`lr: ${c.lr}`];
  const add = (k: string, v: unknown) => v !== undefined && v !== false && opts.push(`${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : v}`);
  add('momentum', c.optimizer === 'sgd' || c.optimizer === 'rmsprop' ? o.momentum : undefined);
  add('nesterov', c.optimizer === 'sgd' ? o.nesterov : undefined);
  add('betas', ['adam', 'adamw', 'lion'].includes(c.optimizer) ? o.betas : undefined);
  add('alpha', c.optimizer === 'rmsprop' ? o.alpha : undefined);
  add('weightDecay', o.weightDecay || undefined);
  const cls = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop', adagrad: 'Adagrad', lion: 'Lion' }[c.optimizer] ?? 'Adam';
  return `new optim.${cls}(model.parameters(), { ${opts.join(', ')} })`;
}

function schedulerTs(s: SchedulerConfig | undefined, c: TrainConfig): string | null {
  if (!s || s.type === 'none') return null;
  switch (s.type) {
    case 'step': return `new optim.lr.StepLR(opt, { stepSize: ${s.stepSize}, gamma: ${s.gamma} })`;
    case 'exponential': return `new optim.lr.ExponentialLR(opt, { gamma: ${s.gamma} })`;
    case 'cosine': return `new optim.lr.CosineAnnealing(opt, { tMax: ${s.tMax ?? c.epochs}, etaMin: ${s.etaMin ?? 0} })`;
    case 'linear': return `new optim.lr.LinearLR(opt, { startFactor: ${s.startFactor ?? 1 / 3}, endFactor: ${s.endFactor ?? 1}, totalIters: ${s.totalIters ?? 5} })`;
    default: return null;
  }
}

function dataTs(plan: CodePlan, d: DatasetSpec | undefined): string[] {
  if (d?.kind === 'builtin2d') {
    return [`const data = makeBuiltin2D('${d.name}', { samples: ${d.samples}, noise: ${d.noise}, seed: ${d.seed} });`, 'const n = data.y.length;', 'const X = tensor(data.x, { shape: [n, 2] });', 'const Y = tensor(data.y); // int32 class indices'];
  }
  const shape = plan.inputShape.join(', ');
  return [
    `// TODO: load your data${d ? ` ('${d.name}')` : ''}. Placeholder tensors of the right shape:`,
    'const n = 256;',
    `const X = randn([n, ${shape}]);`,
    plan.classes ? `const Y = tensor(Int32Array.from({ length: n }, (_, i) => i % ${plan.classes}));` : 'const Y = randn([n, 1]);',
  ];
}

export function toTypeScript(graph: GraphJSON, opts: TsCodegenOptions = {}): string {
  const plan = planGraph(graph);
  const c = { ...DEFAULT_TRAIN_CONFIG, ...opts.training };
  const root = opts.engineRoot ?? './engine';
  const cls = opts.className ?? 'Model';
  const helpers = Object.keys(TS_HELPERS).filter((k) => plan.steps.some((s) => s.type === k) || (k === 'MultiHeadAttention' && plan.steps.some((s) => s.type === 'TransformerEncoderBlock')));
  const sched = schedulerTs(c.scheduler, c);
  const classify = plan.classes !== null && (plan.loss?.kind ?? 'crossEntropy') === 'crossEntropy';
  const es = c.earlyStopping;
  const L: string[] = [
    '// Generated by Flowgrad from the model graph: the model and its training loop on the Flowgrad engine.',
    ...(plan.problems.length ? ['// The graph has problems, so this code is incomplete:', ...plan.problems.map((p) => `//   - ${p}`)] : []),
    `import { F, Tensor, ${c.mixedPrecision ? 'amp, ' : ''}concat, manualSeed, nn, noGrad, ones, optim, randn, scope, tensor, zeros } from '${root}/index.ts';`,
    ...(opts.dataset?.kind === 'builtin2d' ? [`import { makeBuiltin2D } from '${root}/data/builtin2d.ts';`] : []),
    '',
    ...helpers.flatMap((h) => [TS_HELPERS[h]!, '']),
    `/** Input: [N, ${plan.inputShape.join(', ')}].${plan.loss?.foldedSoftmax ? ' Returns logits (the Softmax before the loss is folded into crossEntropy).' : ''} */`,
    `class ${cls} extends nn.Module {`,
    ...plan.steps.filter((s) => layer(s)).map((s) => `  ${s.name} = ${layer(s)};`),
    '',
    `  override forward(${plan.inputName}: Tensor): Tensor {`,
    ...plan.steps.map((s) => `    ${call(s)}`),
    `    return ${plan.output};`,
    '  }',
    '}',
    '',
    `manualSeed(${c.seed});`,
    ...dataTs(plan, opts.dataset),
    '// Shuffle once, hold out the validation split.',
    `let seed = ${c.seed};`,
    'const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);',
    'const order = Array.from({ length: n }, (_, i) => i).sort(() => rand() - 0.5);',
    `const nVal = Math.floor(n * ${c.validationSplit});`,
    'const pick = (ids: number[]) => tensor(Int32Array.from(ids));',
    'const trainIds = order.slice(nVal);',
    'const valX = X.indexSelect(0, pick(order.slice(0, nVal)));',
    'const valY = Y.indexSelect(0, pick(order.slice(0, nVal)));',
    '',
    `const model = new ${cls}();`,
    `const opt = ${optimizerTs(c)};`,
    ...(c.mixedPrecision ? ['const scaler = new amp.GradScaler(); // mixed precision: float16 autocast + loss scaling'] : []),
    ...(sched ? [`const scheduler = ${sched};`] : []),
    `const EPOCHS = ${c.epochs};`,
    `const BATCH_SIZE = ${c.batchSize};`,
    ...(es ? [`let bestVal = Infinity, badEpochs = 0; // early stopping: patience ${es.patience}, minDelta ${es.minDelta}`] : []),
    '',
    'for (let epoch = 1; epoch <= EPOCHS; epoch++) {',
    '  model.train();',
    '  const ids = [...trainIds].sort(() => rand() - 0.5);',
    '  let lossValue = NaN;',
    '  for (let i = 0; i < ids.length; i += BATCH_SIZE) {',
    '    lossValue = scope(() => {',
    '      const batch = pick(ids.slice(i, i + BATCH_SIZE));',
    '      opt.zeroGrad();',
    '      const target = Y.indexSelect(0, batch);',
    ...(c.mixedPrecision
      ? [
        `      const loss = amp.autocast(() => { const out = model.forward(X.indexSelect(0, batch)); return ${lossTs(plan.loss?.kind ?? 'crossEntropy', plan.loss?.attrs ?? {})}; });`,
        '      scaler.scale(loss).backward();',
        `      scaler.step(opt${c.clipGradNorm ? `, { clipGradNorm: ${c.clipGradNorm} }` : ''});`,
        '      scaler.update();',
      ]
      : [
        '      const out = model.forward(X.indexSelect(0, batch));',
        `      const loss = ${lossTs(plan.loss?.kind ?? 'crossEntropy', plan.loss?.attrs ?? {})};`,
        '      loss.backward();',
        ...(c.clipGradNorm ? [`      optim.clipGradNorm(model.parameters(), ${c.clipGradNorm});`] : []),
        '      opt.step();',
      ]),
    '      return loss.item();',
    '    });',
    '  }',
    ...(sched ? ['  scheduler.step();'] : []),
    '  model.eval();',
    '  const val = nVal === 0 ? null : noGrad(() => scope(() => {',
    '    const out = model.forward(valX);',
    '    const target = valY;',
    `    return { loss: ${lossTs(plan.loss?.kind ?? 'crossEntropy', plan.loss?.attrs ?? {})}.item()${classify ? ', accuracy: out.argmax(1).eq(target).float().mean().item()' : ''} };`,
    '  }));',
    `  console.log(\`epoch \${epoch}: loss \${lossValue.toFixed(4)}\${val ? \`  val_loss \${val.loss.toFixed(4)}${classify ? '  val_acc ${(val.accuracy * 100).toFixed(1)}%' : ''}\` : ''}\`);`,
    ...(es
      ? [
          `  if (val && val.loss < bestVal - ${es.minDelta}) { bestVal = val.loss; badEpochs = 0; }`,
          `  else if (++badEpochs >= ${es.patience}) { console.log('early stopping'); break; }`,
        ]
      : []),
    '}',
    '',
  ];
  return L.join('\n');
}
