/**
 * TypeScript for a graph on Flowgrad's own engine API: an `nn.Module` subclass with one
 * field per layer and a `forward` that follows the graph, then a training loop — seeded
 * data, validation split, optimizer and scheduler, one `scope()` per step so nothing leaks,
 * `noGrad()` evaluation. It imports only engine/index.ts (and the built-in data generator),
 * so it runs with `npx tsx` next to the repository. What each layer kind becomes is its row
 * in typescriptLayers.ts. Pure string building.
 */
import type { Attrs } from '../../graph/types.ts';
import type { DatasetSpec, SchedulerConfig, TrainConfig } from '../../project/config.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../project/config.ts';
import type { GraphJSON } from '../../graph/types.ts';
import { planGraph, rowOf, type CodePlan, type PlanStep } from './plan.ts';
import { TS_HELPERS, type TsHelperName } from './tsHelpers.ts';
import { TS_LAYERS } from './typescriptLayers.ts';

export interface TsCodegenOptions {
  training?: TrainConfig;
  dataset?: DatasetSpec;
  className?: string;
  /** Path of the engine folder as the generated file imports it (default './engine'). */
  engineRoot?: string;
}

/** The field initialiser `new ...` for a step, or null when the kind is a plain expression in forward. */
function fieldOf(s: PlanStep): string | null {
  return rowOf(TS_LAYERS, s.type)?.field?.(s) ?? null;
}

/** The forward-pass statement computing this step's output. */
function forwardLine(s: PlanStep): string {
  const row = rowOf(TS_LAYERS, s.type);
  if (!row) return `const ${s.name} = ${s.inputs[0]}; // unknown layer kind '${s.type}' (listed in the problems above)`;
  return row.forward ? row.forward(s) : `const ${s.name} = this.${s.name}.forward(${s.inputs[0]});`;
}

/** The helper classes the plan's kinds need, in TS_HELPERS order. */
function helpersOf(steps: readonly PlanStep[]): TsHelperName[] {
  const used = new Set(steps.flatMap((s) => rowOf(TS_LAYERS, s.type)?.helpers ?? []));
  return (Object.keys(TS_HELPERS) as TsHelperName[]).filter((h) => used.has(h));
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
  // An Embedding reading the input wants token ids below its vocabulary size, not normal noise.
  const vocab = plan.steps.find((s) => s.type === 'Embedding' && s.inputs.includes(plan.inputName))?.attrs.numEmbeddings;
  const size = plan.inputShape.reduce((x, y) => x * y, 1);
  return [
    `// TODO: load your data${d ? ` ('${d.name}')` : ''}. Placeholder tensors of the right shape:`,
    'const n = 256;',
    vocab
      ? `const X = tensor(Float32Array.from({ length: n * ${size} }, (_, i) => (i * 7) % ${vocab}), { shape: [n, ${shape}] }); // token ids below ${vocab}`
      : `const X = randn([n, ${shape}]);`,
    plan.classes ? `const Y = tensor(Int32Array.from({ length: n }, (_, i) => i % ${plan.classes}));` : 'const Y = randn([n, 1]);',
  ];
}

export function toTypeScript(graph: GraphJSON, opts: TsCodegenOptions = {}): string {
  const plan = planGraph(graph);
  const c = { ...DEFAULT_TRAIN_CONFIG, ...opts.training };
  const root = opts.engineRoot ?? './engine';
  const cls = opts.className ?? 'Model';
  const helpers = helpersOf(plan.steps);
  const sched = schedulerTs(c.scheduler, c);
  const classify = plan.classes !== null && (plan.loss?.kind ?? 'crossEntropy') === 'crossEntropy';
  const es = c.earlyStopping;
  const problems = [...plan.problems];
  if (plan.inputs.length > 1 || plan.heads.length > 1) {
    problems.push('several Inputs or Output / Loss nodes: this TypeScript code covers only the first of each (the PyTorch and ONNX exports and the .flowgrad.zip project keep the whole model)');
  }
  const head = plan.steps.find((st) => st.name === plan.output);
  if (head?.outShape?.length === 3 && (plan.loss?.kind === 'crossEntropy' || plan.loss?.kind === 'nll')) {
    problems.push('a label per token ([N, tokens, classes] scores): this TypeScript training loop scores one label per sample (the IDE, the CLI and the PyTorch export train per token)');
  }
  const L: string[] = [
    '// Generated by Flowgrad from the model graph: the model and its training loop on the Flowgrad engine.',
    ...(problems.length ? ['// The graph has problems, so this code is incomplete:', ...problems.map((p) => `//   - ${p}`)] : []),
    `import { F, Tensor, ${c.mixedPrecision ? 'amp, ' : ''}concat, manualSeed, nn, noGrad, ones, optim, randn, scope, tensor, zeros } from '${root}/index.ts';`,
    ...(opts.dataset?.kind === 'builtin2d' ? [`import { makeBuiltin2D } from '${root}/data/builtin2d.ts';`] : []),
    '',
    ...helpers.flatMap((h) => [TS_HELPERS[h], '']),
    `/** Input: [N, ${plan.inputShape.join(', ')}].${plan.loss?.foldedSoftmax ? ' Returns logits (the Softmax before the loss is folded into crossEntropy).' : ''} */`,
    `class ${cls} extends nn.Module {`,
    ...plan.steps.flatMap((s) => { const f = fieldOf(s); return f ? [`  ${s.name} = ${f};`] : []; }),
    '',
    `  override forward(${plan.inputName}: Tensor): Tensor {`,
    ...plan.steps.map((s) => `    ${forwardLine(s)}`),
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
