/**
 * The training half of the PyTorch export (train.py): the project's optimizer with all its
 * options, its LR scheduler (per epoch or per step, sequential, plateau), loss (class weights,
 * label smoothing), gradient clipping by value then by norm, gradient accumulation, early
 * stopping and keep-best, `.to(device)` and float16 autocast on CUDA — and the same file
 * under `torchrun --nproc-per-node=N` runs DistributedDataParallel (nccl on CUDA, gloo on
 * the CPU, a DistributedSampler re-seeded each epoch, rank 0 logs and saves). Settings with
 * no PyTorch equivalent are listed in a comment at the top. Pure string building.
 */
import type { OptimizerOptions, SchedulerConfig, TrainConfig } from '../../project/config.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../project/config.ts';
import type { CodePlan } from './plan.ts';
import type { Attrs } from '../../graph/types.ts';

const pyNum = (v: number): string => (Number.isInteger(v) ? `${v}` : `${v}`);
const pyOpt = (v: number | null | undefined): string => (v === null || v === undefined || v === 0 ? 'None' : pyNum(v));

/** The criterion, with Flowgrad's class weights and label smoothing. */
export function lossPy(kind: string, a: Attrs): string {
  const weights = Array.isArray(a.classWeights) && a.classWeights.length ? `weight=torch.tensor([${(a.classWeights as number[]).join(', ')}])` : '';
  const args = (...xs: string[]) => xs.filter(Boolean).join(', ');
  switch (kind) {
    case 'mse': return 'nn.MSELoss()';
    case 'l1': return 'nn.L1Loss()';
    case 'huber': return `nn.HuberLoss(delta=${a.delta ?? 1})`;
    case 'bce': return 'nn.BCELoss()';
    case 'bceWithLogits': return 'nn.BCEWithLogitsLoss()';
    case 'nll': return `nn.NLLLoss(${weights})`;
    case 'klDiv': return "nn.KLDivLoss(reduction='batchmean')";
    default: return `nn.CrossEntropyLoss(${args(weights, Number(a.labelSmoothing) ? `label_smoothing=${a.labelSmoothing}` : '')})`;
  }
}

/** Keyword arguments for the options the project set (absent ones keep PyTorch's defaults, as in Flowgrad). */
function optArgs(o: OptimizerOptions, names: readonly (keyof OptimizerOptions)[]): string {
  const py: Record<keyof OptimizerOptions, string> = {
    momentum: 'momentum', dampening: 'dampening', nesterov: 'nesterov', weightDecay: 'weight_decay', betas: 'betas', eps: 'eps', amsgrad: 'amsgrad',
    alpha: 'alpha', centered: 'centered', lrDecay: 'lr_decay', initialAccumulatorValue: 'initial_accumulator_value', maximize: 'maximize',
  };
  return names.filter((n) => o[n] !== undefined).map((n) => {
    const v = o[n]!;
    return `, ${py[n]}=${typeof v === 'boolean' ? (v ? 'True' : 'False') : Array.isArray(v) ? `(${v[0]}, ${v[1]})` : v}`;
  }).join('');
}

/** The Lion optimizer (Chen et al. 2023) exactly as Flowgrad steps it; torch.optim has none. */
const LION = `class Lion(torch.optim.Optimizer):
    """Lion (Chen et al. 2023), as Flowgrad steps it: p *= 1 - lr*wd; p -= lr*sign(b1*m + (1-b1)*g); m = b2*m + (1-b2)*g."""

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, maximize=False):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay, maximize=maximize))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = -p.grad if group["maximize"] else p.grad
                m = self.state[p].setdefault("exp_avg", torch.zeros_like(p))
                p.mul_(1 - group["lr"] * group["weight_decay"])
                p.add_(torch.sign(m * b1 + g * (1 - b1)), alpha=-group["lr"])
                m.mul_(b2).add_(g, alpha=1 - b2)


`;

function optimizerPy(c: TrainConfig): string {
  const o = c.optimizerOptions ?? {};
  const lr = `params, lr=${c.lr}`;
  switch (c.optimizer) {
    case 'sgd': return `torch.optim.SGD(${lr}${optArgs(o, ['momentum', 'dampening', 'nesterov', 'weightDecay', 'maximize'])})`;
    case 'adamw': return `torch.optim.AdamW(${lr}${optArgs(o, ['betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'])})`;
    case 'rmsprop': return `torch.optim.RMSprop(${lr}${optArgs(o, ['alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize'])})`;
    case 'adagrad': return `torch.optim.Adagrad(${lr}${optArgs(o, ['lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps', 'maximize'])})`;
    case 'lion': return `Lion(${lr}${optArgs(o, ['betas', 'weightDecay', 'maximize'])})`;
    default: return `torch.optim.Adam(${lr}${optArgs(o, ['betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'])})`;
  }
}

/**
 * A closed-form scheduler's constructor; `units` is the run length in the scheduler's own
 * steps (Python expression), as Flowgrad's schedule.ts counts it.
 */
function closedForm(s: SchedulerConfig, units: string): string | null {
  const S = 'torch.optim.lr_scheduler';
  switch (s.type) {
    case 'none': case 'reduceOnPlateau': return null;
    case 'step': return `${S}.StepLR(opt, step_size=${s.stepSize}, gamma=${s.gamma})`;
    case 'multiStep': return `${S}.MultiStepLR(opt, milestones=[${s.milestones.join(', ')}], gamma=${s.gamma})`;
    case 'exponential': return `${S}.ExponentialLR(opt, gamma=${s.gamma})`;
    case 'cosine': return `${S}.CosineAnnealingLR(opt, T_max=${s.tMax ?? units}, eta_min=${s.etaMin ?? 0})`;
    case 'cosineWarmRestarts': return `${S}.CosineAnnealingWarmRestarts(opt, T_0=${s.t0}, T_mult=${s.tMult ?? 1}, eta_min=${s.etaMin ?? 0})`;
    case 'linear': return `${S}.LinearLR(opt, start_factor=${s.startFactor ?? 1 / 3}, end_factor=${s.endFactor ?? 1}, total_iters=${s.totalIters ?? units})`;
    // cycle_momentum=False: Flowgrad's one-cycle schedule changes the learning rate only.
    case 'oneCycle': return `${S}.OneCycleLR(opt, max_lr=${s.maxLr}, total_steps=${units}, pct_start=${s.pctStart ?? 0.3}, div_factor=${s.divFactor ?? 25}, final_div_factor=${s.finalDivFactor ?? 1e4}, anneal_strategy='${s.annealStrategy ?? 'cos'}', three_phase=${s.threePhase ? 'True' : 'False'}, cycle_momentum=False)`;
    case 'sequential': {
      // A part with no closed form (none / plateau) holds the rate, as in Flowgrad.
      const parts = s.schedulers.map((p) => closedForm(p, units) ?? `${S}.LinearLR(opt, start_factor=1.0, end_factor=1.0, total_iters=1)`);
      return `${S}.SequentialLR(opt, schedulers=[${parts.join(', ')}], milestones=[${s.milestones.join(', ')}])`;
    }
  }
}

/** The body of make_scheduler(opt, steps_per_epoch): returns (scheduler, when). */
function schedulerPy(s: SchedulerConfig | undefined): string {
  if (!s || s.type === 'none') return '    return None, None';
  if (s.type === 'reduceOnPlateau') {
    return `    return torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=${s.factor ?? 0.1}, patience=${s.patience ?? 10}, min_lr=${s.minLr ?? 0}, threshold=${s.threshold ?? 1e-4}, cooldown=${s.cooldown ?? 0}), "plateau"`;
  }
  const perStep = s.type === 'oneCycle' || s.interval === 'step';
  const units = perStep ? 'epochs * max(1, steps_per_epoch)' : 'epochs';
  return `    # Stepped after every ${perStep ? 'optimizer step' : 'epoch'}, as in Flowgrad.\n    return ${closedForm(s, units)}, "${perStep ? 'step' : 'epoch'}"`;
}

/**
 * How predictions and targets are shaped for a loss, as Flowgrad's losses.ts does: one
 * function per kind of shaping, returning (prediction, target). One label per token ([N,
 * tokens, classes] scores) becomes N·tokens rows of class scores, class dimension last.
 */
const PER_TOKEN = '    if pred.dim() == 3:\n        return pred.reshape(-1, pred.shape[-1]), y.long().reshape(-1)  # one label per token\n';
const TARGETS = {
  class_or_probabilities: `    if y.dtype.is_floating_point and y.numel() == pred.numel():\n        return pred, y.reshape(pred.shape)  # class probabilities\n${PER_TOKEN}    return pred, y.long().reshape(-1)`,
  class_indices: `${PER_TOKEN}    return pred, y.long().reshape(-1)`,
  values: '    if not y.dtype.is_floating_point and pred.dim() == 2 and pred.shape[1] > 1:\n        return pred, nn.functional.one_hot(y.long().reshape(-1), pred.shape[1]).float()\n    return pred, y.float().reshape(pred.shape)',
} as const;
const targetsOf = (kind: string): keyof typeof TARGETS => (kind === 'crossEntropy' ? 'class_or_probabilities' : kind === 'nll' ? 'class_indices' : 'values');

/**
 * make_criteria(): one (criterion, weight, target shaping) per Output / Loss node, each
 * against the dataset's targets, and the target functions they use. The loss trained is the
 * weighted sum (total_loss), as Flowgrad's GraphModel sums its heads.
 */
function criteriaPy(plan: CodePlan): string {
  const heads = plan.heads.length ? plan.heads.map((h) => ({ kind: h.loss.kind, attrs: h.loss.attrs, weight: h.weight, id: h.id })) : [{ kind: 'crossEntropy', attrs: {}, weight: 1, id: 'loss' }];
  const used = [...new Set(heads.map((h) => targetsOf(h.kind)))];
  const fns = used.map((t) => `def targets_${t}(pred, y):\n    """(prediction, targets) shaped for the loss, as Flowgrad shapes them."""\n${TARGETS[t]}`);
  const rows = heads.map((h) => `(${lossPy(h.kind, h.attrs)}, ${pyNum(h.weight)}, targets_${targetsOf(h.kind)})${heads.length > 1 ? `,  # Output / Loss '${h.id}'` : ','}`);
  return `${fns.join('\n\n\n')}


def make_criteria():
    """One (criterion, weight, targets) per Output / Loss node${heads.length > 1 ? ' (the first is the prediction)' : ''}; training lowers the weighted sum."""
    return [
${rows.map((r) => `        ${r}`).join('\n')}
    ]


def total_loss(preds, y, criteria):
    """The weighted sum of every head's loss against the targets y."""
    return sum(w * c(*t(p.float(), y)) for p, (c, w, t) in zip(preds, criteria))`;
}

/** Flowgrad settings that train.py cannot reproduce, each named (never dropped silently). */
export function unsupportedSettings(c: TrainConfig, plan: CodePlan): string[] {
  const out: string[] = [];
  if (c.mixedPrecision) out.push('mixed precision on the CPU: Flowgrad stores float16 activations there; train.py uses float16 autocast on CUDA only and float32 on the CPU');
  if (c.backend && c.backend !== 'auto') out.push(`backend '${c.backend}': PyTorch picks CUDA when available (--cpu forces the CPU)`);
  if (c.readEvery !== undefined) out.push(`readEvery ${c.readEvery}: train.py reads the loss every step`);
  if (c.metrics?.length) out.push(`metrics ${c.metrics.join(', ')}: train.py reports the loss${plan.classes ? ' and accuracy' : ''} only`);
  if (plan.steps.some((s) => s.type === 'CustomCode')) out.push('Custom Code nodes: their JavaScript is not translated (the model passes their input through)');
  return out;
}

export function trainingPy(plan: CodePlan, training: TrainConfig = DEFAULT_TRAIN_CONFIG): string {
  const c = { ...DEFAULT_TRAIN_CONFIG, ...training };
  const kind = plan.loss?.kind ?? 'crossEntropy';
  const classify = plan.classes !== null && (kind === 'crossEntropy' || kind === 'nll');
  const es = c.earlyStopping;
  const unsupported = unsupportedSettings(c, plan);
  return `${c.optimizer === 'lion' ? LION : ''}EPOCHS = ${c.epochs}
BATCH_SIZE = ${c.batchSize}  # the global batch: under torchrun each of N processes takes BATCH_SIZE / N rows
SEED = ${c.seed}
ACCUM_STEPS = ${Math.max(1, Math.floor(c.gradAccumSteps ?? 1))}  # gradients of this many batches are averaged before each optimizer step
CLIP_VALUE = ${pyOpt(c.clipGradValue)}  # clamp every gradient element into [-v, v] (before the norm clip)
CLIP_NORM = ${pyOpt(c.clipGradNorm)}  # clip the global gradient norm
EARLY_STOPPING = ${es ? `(${es.patience}, ${es.minDelta})  # (patience, min_delta) on the validation loss` : 'None'}
KEEP_BEST = ${c.keepBest ? 'True' : 'False'}  # restore the weights of the epoch with the best validation loss at the end
MIXED_PRECISION = ${c.mixedPrecision ? 'True' : 'False'}  # float16 autocast + loss scaling on CUDA
# Flowgrad settings this file cannot reproduce (no PyTorch counterpart): ${unsupported.length ? '' : 'none.'}
${unsupported.map((u) => `#   - ${u}`).join('\n')}${unsupported.length ? '\n' : ''}

def make_optimizer(params):
    return ${optimizerPy(c)}


def make_scheduler(opt, steps_per_epoch, epochs):
${schedulerPy(c.scheduler)}


${criteriaPy(plan)}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train the exported Flowgrad model (python train.py, or torchrun --nproc-per-node=N train.py).")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="global batch size")
    parser.add_argument("--max-steps", type=int, default=0, help="stop after this many optimizer steps (0: no limit)")
    parser.add_argument("--init", default=None, help="start from these Flowgrad weights (e.g. weights.safetensors)")
    parser.add_argument("--out", default="trained.safetensors", help="final weights, under Flowgrad's names")
    parser.add_argument("--checkpoint", default="checkpoint.pt", help="saved by rank 0 after every epoch")
    parser.add_argument("--resume", default=None, help="continue from a checkpoint written by --checkpoint")
    parser.add_argument("--cpu", action="store_true", help="train on the CPU even when CUDA is available")
    args = parser.parse_args(argv)

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    distributed = world > 1
    cuda = torch.cuda.is_available() and not args.cpu
    device = torch.device(f"cuda:{local_rank}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    own_group = distributed and not dist.is_initialized()
    if own_group:
        dist.init_process_group("nccl" if cuda else "gloo")
    main_process = rank == 0
    if args.batch_size % world:
        raise SystemExit(f"the batch size {args.batch_size} must divide evenly over {world} processes")

    torch.manual_seed(SEED)
    x_train, y_train, x_val, y_val = (None if a is None else torch.from_numpy(a) for a in load_data())
    train_ds = TensorDataset(x_train, y_train)
    # The same seeded order in every run; under torchrun each process takes every N-th row of it.
    sampler = DistributedSampler(train_ds, num_replicas=world, rank=rank, shuffle=True, seed=SEED)
    loader = DataLoader(train_ds, batch_size=args.batch_size // world, sampler=sampler)

    model = Model()
    if args.init:
        load_flowgrad_weights(model, args.init)
    model.to(device)
    if distributed and cuda:
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)  # batch statistics over the global batch (CUDA only)
    net = DDP(model, device_ids=[local_rank] if cuda else None) if distributed else model
    criteria = [(c.to(device), w, t) for c, w, t in make_criteria()]
    opt = make_optimizer(model.parameters())
    steps_per_epoch = math.ceil(len(loader) / ACCUM_STEPS)
    scheduler, when = make_scheduler(opt, steps_per_epoch, args.epochs)
    amp = MIXED_PRECISION and cuda
    scaler = torch.amp.GradScaler("cuda", enabled=amp)
    start_epoch, step, history = 1, 0, []
    best_val, best_state, bad_epochs = float("inf"), None, 0
    if args.resume:
        ck = torch.load(args.resume, map_location=device)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        scaler.load_state_dict(ck["scaler"])
        if scheduler is not None:
            scheduler.load_state_dict(ck["scheduler"])
        start_epoch, step, history = ck["epoch"] + 1, ck["step"], ck["history"]

    for epoch in range(start_epoch, args.epochs + 1):
        sampler.set_epoch(epoch)
        net.train()
        loss_sum = torch.zeros(2, device=device)  # (sum of losses x rows, rows)
        n_batches = len(loader)
        for i, (xb, yb) in enumerate(loader):
            xb, yb = xb.to(device, non_blocking=True), yb.to(device, non_blocking=True)
            first, last = i % ACCUM_STEPS == 0, i % ACCUM_STEPS == ACCUM_STEPS - 1 or i == n_batches - 1
            group = min(ACCUM_STEPS, n_batches - (i - i % ACCUM_STEPS))
            if first:
                opt.zero_grad(set_to_none=True)
            # Gradients are exchanged once per optimizer step, not on every accumulated batch.
            sync = net.no_sync() if distributed and not last else contextlib.nullcontext()
            with sync:
                with torch.autocast(device.type, dtype=torch.float16, enabled=amp):
                    loss = total_loss(heads(net(*split_inputs(xb))), yb, criteria)
                scaler.scale(loss / group).backward()
            loss_sum += torch.stack([loss.detach().float() * len(xb), torch.tensor(float(len(xb)), device=device)])
            if last:
                scaler.unscale_(opt)
                if CLIP_VALUE:
                    nn.utils.clip_grad_value_(model.parameters(), CLIP_VALUE)
                if CLIP_NORM:
                    nn.utils.clip_grad_norm_(model.parameters(), CLIP_NORM)
                scaler.step(opt)
                scaler.update()
                step += 1
                if when == "step":
                    scheduler.step()
                if args.max_steps and step >= args.max_steps:
                    break
        if distributed:
            dist.all_reduce(loss_sum)
        train_loss = (loss_sum[0] / loss_sum[1]).item()
        val_loss, val_acc = evaluate(net, x_val, y_val, criteria, device)
        if distributed:
            # Every process takes the same decisions (schedules, early stopping) from rank 0's numbers.
            shared = torch.tensor([val_loss, val_acc], dtype=torch.float64, device=device)
            dist.broadcast(shared, 0)
            val_loss, val_acc = shared.tolist()
        monitored = val_loss if x_val is not None else train_loss
        lr = opt.param_groups[0]["lr"]
        if when == "epoch":
            scheduler.step()
        elif when == "plateau":
            scheduler.step(monitored)
        history.append({"epoch": epoch, "loss": train_loss, "val_loss": val_loss, "val_acc": val_acc, "lr": lr})
        if main_process:
            print(f"epoch {epoch}: loss {train_loss:.4f}  val_loss {val_loss:.4f}${classify ? '  val_acc {val_acc:.3f}' : ''}  lr {lr:.2e}", flush=True)
        improved = monitored < best_val - (EARLY_STOPPING[1] if EARLY_STOPPING else 0)
        if improved:
            best_val, bad_epochs = monitored, 0
            if KEEP_BEST:
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            bad_epochs += 1
        if main_process:
            ck = {"model": model.state_dict(), "optimizer": opt.state_dict(), "scaler": scaler.state_dict(), "epoch": epoch, "step": step, "history": history}
            if scheduler is not None:
                ck["scheduler"] = scheduler.state_dict()
            torch.save(ck, args.checkpoint)
        if args.max_steps and step >= args.max_steps:
            break
        if EARLY_STOPPING and bad_epochs >= EARLY_STOPPING[0]:
            if main_process:
                print("early stopping", flush=True)
            break

    if KEEP_BEST and best_state is not None:
        model.load_state_dict(best_state)
    if main_process:
        save_flowgrad_weights(model, args.out)
        with open("history.json", "w") as f:
            json.dump(history, f)
    if own_group:
        # Every process waits here (the GIL released) until gloo's worker threads have let go of the
        # last collective's tensors; without it, a worker doing so during interpreter exit aborts the
        # process ("terminate called without an active exception", ~1 run in 12 on 2 CPUs).
        dist.barrier()
        dist.destroy_process_group()
    return model, history


@torch.no_grad()
def evaluate(net, x_val, y_val, criteria, device, batch=256):
    """Validation loss${classify ? ' and accuracy' : ''} (nan when the project holds no validation split)."""
    if x_val is None or len(x_val) == 0:
        return float("nan"), float("nan")
    net.eval()
    loss_sum, hits, labels = 0.0, 0, 0
    for i in range(0, len(x_val), batch):
        xb, yb = x_val[i : i + batch].to(device), y_val[i : i + batch].to(device)
        preds = heads(net(*split_inputs(xb)))
        loss_sum += total_loss(preds, yb, criteria).item() * len(xb)
${classify ? '        guess = preds[0].argmax(-1).reshape(-1)  # one per sample, or per token\n        hits += (guess == yb.reshape(-1)).sum().item()\n        labels += guess.numel()\n' : ''}    return loss_sum / len(x_val), ${classify ? 'hits / labels' : 'float("nan")'}`;
}

/** Imports train.py needs beyond the model's. */
export const TRAIN_IMPORTS = [
  'import argparse', 'import contextlib', 'import json', 'import math', 'import os', '',
  'import torch', 'import torch.distributed as dist', 'from torch import nn', 'from torch.nn.parallel import DistributedDataParallel as DDP',
  'from torch.utils.data import DataLoader, DistributedSampler, TensorDataset',
];
