/**
 * The training half of the PyTorch export: data (the built-in 2-D datasets regenerated with
 * NumPy; other datasets as a clearly marked placeholder of the right shape), a validation
 * split, the optimizer and LR scheduler named as in torch.optim, and an epoch loop with
 * gradient clipping, early stopping and keep-best, as the project's TrainConfig says.
 */
import type { DatasetSpec, SchedulerConfig, TrainConfig } from '../../project/config.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../project/config.ts';
import type { CodePlan } from './plan.ts';
import type { Attrs } from '../../graph/types.ts';

export function lossPy(kind: string, a: Attrs): string {
  switch (kind) {
    case 'mse': return 'nn.MSELoss()';
    case 'l1': return 'nn.L1Loss()';
    case 'huber': return `nn.HuberLoss(delta=${a.delta ?? 1})`;
    case 'bce': return 'nn.BCELoss()';
    case 'bceWithLogits': return 'nn.BCEWithLogitsLoss()';
    case 'nll': return 'nn.NLLLoss()';
    case 'klDiv': return "nn.KLDivLoss(reduction='batchmean')";
    default: return `nn.CrossEntropyLoss(${Number(a.labelSmoothing) ? `label_smoothing=${a.labelSmoothing}` : ''})`;
  }
}

const DATA_2D: Record<string, string> = {
  circles: `    r = np.where(y == 0, rng.uniform(0, 2, n), rng.uniform(3, 5, n))
    t = rng.uniform(0, 2 * np.pi, n)
    X = np.stack([r * np.cos(t), r * np.sin(t)], 1)`,
  xor: `    X = rng.uniform(-5, 5, (n, 2))
    X += np.sign(X) * 0.3
    y = (X[:, 0] * X[:, 1] < 0).astype(np.int64)`,
  moons: `    t = rng.uniform(0, np.pi, n)
    X = np.where(y[:, None] == 0, np.stack([np.cos(t), np.sin(t)], 1), np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)) * 2.5 - [1.25, 0.6]`,
  spirals: `    t = np.sqrt(rng.uniform(0, 1, n)) * 3 * np.pi
    X = np.stack([t * np.cos(t + np.pi * y), t * np.sin(t + np.pi * y)], 1) / 2`,
};

function dataPy(plan: CodePlan, dataset: DatasetSpec | undefined): string {
  if (dataset?.kind === 'builtin2d' && DATA_2D[dataset.name]) {
    return `def load_data(n=${dataset.samples}, noise=${dataset.noise}, seed=${dataset.seed}):
    """The '${dataset.name}' 2-D dataset (same recipe as Flowgrad's; points differ in detail)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
${DATA_2D[dataset.name]}
    X = X + rng.normal(0, noise, X.shape)
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.long)`;
  }
  const shape = plan.inputShape.join(', ');
  const target = plan.classes ? `torch.randint(0, ${plan.classes}, (n,))` : 'torch.randn(n, 1)';
  return `def load_data(n=1000):
    """TODO: load your data${dataset ? ` ('${dataset.name}')` : ''}. Placeholder tensors of the right shape."""
    return torch.randn(n, ${shape}), ${target}`;
}

function optimizerPy(c: TrainConfig): string {
  const o = c.optimizerOptions ?? {};
  const wd = o.weightDecay ? `, weight_decay=${o.weightDecay}` : '';
  const betas = o.betas ? `, betas=(${o.betas[0]}, ${o.betas[1]})` : '';
  switch (c.optimizer) {
    case 'sgd': return `torch.optim.SGD(model.parameters(), lr=${c.lr}${o.momentum ? `, momentum=${o.momentum}` : ''}${o.nesterov ? ', nesterov=True' : ''}${wd})`;
    case 'adamw': return `torch.optim.AdamW(model.parameters(), lr=${c.lr}${betas}${wd})`;
    case 'rmsprop': return `torch.optim.RMSprop(model.parameters(), lr=${c.lr}${o.alpha !== undefined ? `, alpha=${o.alpha}` : ''}${o.momentum ? `, momentum=${o.momentum}` : ''}${o.centered ? ', centered=True' : ''}${wd})`;
    case 'adagrad': return `torch.optim.Adagrad(model.parameters(), lr=${c.lr}${wd})`;
    case 'lion': return `Lion(model.parameters(), lr=${c.lr}${betas}${wd})  # pip install lion-pytorch`;
    default: return `torch.optim.Adam(model.parameters(), lr=${c.lr}${betas}${o.amsgrad ? ', amsgrad=True' : ''}${wd})`;
  }
}

/** [constructor, how it steps: per 'epoch' | per 'batch' | 'plateau'] */
function schedulerPy(s: SchedulerConfig | undefined, c: TrainConfig): [string, 'epoch' | 'batch' | 'plateau'] | null {
  if (!s || s.type === 'none') return null;
  const S = 'torch.optim.lr_scheduler';
  switch (s.type) {
    case 'step': return [`${S}.StepLR(opt, step_size=${s.stepSize}, gamma=${s.gamma})`, 'epoch'];
    case 'multiStep': return [`${S}.MultiStepLR(opt, milestones=[${s.milestones.join(', ')}], gamma=${s.gamma})`, 'epoch'];
    case 'exponential': return [`${S}.ExponentialLR(opt, gamma=${s.gamma})`, 'epoch'];
    case 'cosine': return [`${S}.CosineAnnealingLR(opt, T_max=${s.tMax ?? c.epochs}, eta_min=${s.etaMin ?? 0})`, 'epoch'];
    case 'cosineWarmRestarts': return [`${S}.CosineAnnealingWarmRestarts(opt, T_0=${s.t0}, T_mult=${s.tMult ?? 1}, eta_min=${s.etaMin ?? 0})`, 'epoch'];
    case 'linear': return [`${S}.LinearLR(opt, start_factor=${s.startFactor ?? 1 / 3}, end_factor=${s.endFactor ?? 1}, total_iters=${s.totalIters ?? 5})`, 'epoch'];
    case 'oneCycle': return [`${S}.OneCycleLR(opt, max_lr=${s.maxLr}, pct_start=${s.pctStart ?? 0.3}, epochs=EPOCHS, steps_per_epoch=len(train_loader))`, 'batch'];
    case 'reduceOnPlateau': return [`${S}.ReduceLROnPlateau(opt, factor=${s.factor ?? 0.1}, patience=${s.patience ?? 10}, min_lr=${s.minLr ?? 0})`, 'plateau'];
    default: return null;
  }
}

export function trainingPy(plan: CodePlan, training: TrainConfig = DEFAULT_TRAIN_CONFIG, dataset?: DatasetSpec, className = 'Model'): string {
  const c = { ...DEFAULT_TRAIN_CONFIG, ...training };
  const sched = schedulerPy(c.scheduler, c);
  const classify = plan.classes !== null && (plan.loss?.kind ?? 'crossEntropy') === 'crossEntropy';
  const es = c.earlyStopping;
  const L: string[] = [];
  L.push(dataPy(plan, dataset), '', '');
  L.push(`EPOCHS = ${c.epochs}`, `BATCH_SIZE = ${c.batchSize}`, '', `torch.manual_seed(${c.seed})`);
  L.push('X, y = load_data()');
  L.push(`n_val = int(len(X) * ${c.validationSplit})`);
  L.push(`perm = torch.randperm(len(X))`);
  L.push('train_ds = TensorDataset(X[perm[n_val:]], y[perm[n_val:]])');
  L.push('val_X, val_y = X[perm[:n_val]], y[perm[:n_val]]');
  L.push('train_loader = DataLoader(train_ds, batch_size=BATCH_SIZE, shuffle=True)', '');
  L.push(`model = ${className}()`, `criterion = ${lossPy(plan.loss?.kind ?? 'crossEntropy', plan.loss?.attrs ?? {})}`, `opt = ${optimizerPy(c)}`);
  if (sched) L.push(`scheduler = ${sched[0]}`);
  if (es) L.push(`patience, min_delta, bad_epochs = ${es.patience}, ${es.minDelta}, 0`);
  L.push(`best_val, best_state = float('inf'), None`, '');
  if (c.mixedPrecision) L.push('# Mixed precision as in Flowgrad: float16 autocast on the GPU, dynamic loss scaling', 'device_type = "cuda" if torch.cuda.is_available() else "cpu"', 'scaler = torch.amp.GradScaler(device_type)', '');
  L.push('for epoch in range(1, EPOCHS + 1):', '    model.train()', '    for xb, yb in train_loader:', '        opt.zero_grad()');
  if (c.mixedPrecision) {
    L.push('        with torch.autocast(device_type, dtype=torch.float16 if device_type == "cuda" else torch.bfloat16):', '            loss = criterion(model(xb), yb)', '        scaler.scale(loss).backward()');
    if (c.clipGradNorm) L.push('        scaler.unscale_(opt)', `        torch.nn.utils.clip_grad_norm_(model.parameters(), ${c.clipGradNorm})`);
    L.push('        scaler.step(opt)', '        scaler.update()');
  } else {
    L.push('        loss = criterion(model(xb), yb)', '        loss.backward()');
    if (c.clipGradNorm) L.push(`        torch.nn.utils.clip_grad_norm_(model.parameters(), ${c.clipGradNorm})`);
    L.push('        opt.step()');
  }
  if (sched?.[1] === 'batch') L.push('        scheduler.step()');
  L.push('    model.eval()', '    with torch.no_grad():', '        out = model(val_X) if n_val else None', '        val_loss = criterion(out, val_y).item() if n_val else loss.item()');
  if (classify) L.push('        val_acc = (out.argmax(1) == val_y).float().mean().item() if n_val else float("nan")');
  if (sched?.[1] === 'epoch') L.push('    scheduler.step()');
  if (sched?.[1] === 'plateau') L.push('    scheduler.step(val_loss)');
  L.push(`    print(f"epoch {epoch}: loss {loss.item():.4f}  val_loss {val_loss:.4f}${classify ? '  val_acc {val_acc:.3f}' : ''}  lr {opt.param_groups[0]['lr']:.2e}")`);
  L.push('    if val_loss < best_val' + (es ? ' - min_delta' : '') + ':');
  L.push('        best_val = val_loss');
  if (c.keepBest) L.push('        best_state = {k: v.clone() for k, v in model.state_dict().items()}');
  if (es) L.push('        bad_epochs = 0', '    else:', '        bad_epochs += 1', '        if bad_epochs >= patience:', '            print("early stopping")', '            break');
  if (c.keepBest) L.push('', 'if best_state is not None:', '    model.load_state_dict(best_state)  # keep the best epoch');
  L.push('', 'torch.save(model.state_dict(), "model.pt")');
  return L.join('\n');
}
