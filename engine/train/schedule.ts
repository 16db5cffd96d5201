/**
 * Learning-rate schedules from a TrainConfig: `makeScheduler` builds the optim.lr scheduler
 * the training loop steps, and `lrCurve` runs the very same scheduler on a plain `{ lr }`
 * object to give the learning rate of every step of a run — a pure function (no tensors)
 * the app imports for the LR preview plot, so the preview and training cannot disagree.
 */
import type { SchedulerConfig, TrainConfig } from '../project/config.ts';
import {
  CosineAnnealing, CosineAnnealingWarmRestarts, ExponentialLR, LinearLR, MultiStepLR, OneCycleLR, ReduceLROnPlateau,
  SequentialLR, StepLR, type LRScheduler, type LRTarget,
} from '../optim/lr.ts';
import type { SchedulerState } from '../project/checkpointFormat.ts';

export type { SchedulerState } from '../project/checkpointFormat.ts';

export interface RunSchedule {
  /** Steps after each optimizer step ('step') or after each epoch ('epoch'). */
  interval: 'step' | 'epoch';
  /** Advances one interval; `metric` feeds ReduceLROnPlateau (validation loss, else training loss). */
  step(metric?: number): void;
  /** The scheduler's state as plain JSON (checkpoints). */
  state(): SchedulerState;
  /** Continues from state(); throws when the state is of another kind of scheduler. */
  load(s: SchedulerState): void;
}


/** Builds a closed-form scheduler; `units` is the run length in the scheduler's own steps. */
function build(cfg: SchedulerConfig, target: LRTarget, units: number): LRScheduler | null {
  switch (cfg.type) {
    case 'none':
    case 'reduceOnPlateau':
      return null;
    case 'step': return new StepLR(target, { stepSize: cfg.stepSize, gamma: cfg.gamma });
    case 'multiStep': return new MultiStepLR(target, { milestones: cfg.milestones, gamma: cfg.gamma });
    case 'exponential': return new ExponentialLR(target, { gamma: cfg.gamma });
    case 'cosine': return new CosineAnnealing(target, { tMax: cfg.tMax ?? units, etaMin: cfg.etaMin ?? 0 });
    case 'cosineWarmRestarts': return new CosineAnnealingWarmRestarts(target, { t0: cfg.t0, tMult: cfg.tMult ?? 1, etaMin: cfg.etaMin ?? 0 });
    case 'linear': return new LinearLR(target, { startFactor: cfg.startFactor, endFactor: cfg.endFactor, totalIters: cfg.totalIters ?? units });
    case 'oneCycle':
      return new OneCycleLR(target, {
        maxLr: cfg.maxLr, totalSteps: units, pctStart: cfg.pctStart, divFactor: cfg.divFactor, finalDivFactor: cfg.finalDivFactor,
        annealStrategy: cfg.annealStrategy, threePhase: cfg.threePhase,
      });
    case 'sequential': {
      const parts = cfg.schedulers.map((c) => build(c, target, units)).map((s) => s ?? new LinearLR(target, { startFactor: 1, endFactor: 1, totalIters: 1 }));
      return new SequentialLR(target, parts, cfg.milestones);
    }
  }
}

/** The scheduler for a run (null: constant learning rate). Sets `target.lr` to the rate of step 0. */
export function makeScheduler(config: TrainConfig, target: LRTarget, stepsPerEpoch: number): RunSchedule | null {
  const cfg = config.scheduler;
  if (!cfg || cfg.type === 'none') return null;
  const interval = cfg.type === 'oneCycle' || cfg.interval === 'step' ? 'step' : 'epoch';
  const units = interval === 'step' ? config.epochs * Math.max(1, stepsPerEpoch) : config.epochs;
  if (cfg.type === 'reduceOnPlateau') {
    const r = new ReduceLROnPlateau(target, { factor: cfg.factor, patience: cfg.patience, minLr: cfg.minLr, threshold: cfg.threshold, cooldown: cfg.cooldown });
    return {
      interval: 'epoch', step: (m) => r.step(m ?? NaN),
      state: () => ({ kind: 'plateau', ...r.stateDict() }),
      load: (st) => {
        if (st.kind !== 'plateau') throw new Error('the saved schedule is not a ReduceLROnPlateau schedule');
        r.loadStateDict({ ...st, best: st.best ?? r.best });
      },
    };
  }
  const s = build(cfg, target, units)!;
  return {
    interval, step: () => s.step(),
    state: () => ({ kind: 'closedForm', ...s.stateDict() }),
    load: (st) => {
      if (st.kind !== 'closedForm') throw new Error('the saved schedule is a ReduceLROnPlateau schedule');
      s.loadStateDict(st);
    },
  };
}

/**
 * The learning rate used at every optimizer step of a run: epochs × stepsPerEpoch values.
 * ReduceLROnPlateau depends on the losses, so its preview is flat at the starting rate.
 */
export function lrCurve(config: TrainConfig, stepsPerEpoch: number): number[] {
  const target = { lr: config.lr };
  const steps = Math.max(1, Math.floor(stepsPerEpoch));
  const sched = makeScheduler(config, target, steps);
  const out: number[] = [];
  for (let e = 0; e < config.epochs; e++) {
    for (let s = 0; s < steps; s++) {
      out.push(target.lr);
      if (sched?.interval === 'step') sched.step();
    }
    if (sched?.interval === 'epoch' && config.scheduler?.type !== 'reduceOnPlateau') sched.step();
  }
  return out;
}

/** Batches per epoch for `rows` training rows (the app's preview needs it too). */
export function stepsPerEpoch(rows: number, config: Pick<TrainConfig, 'batchSize' | 'gradAccumSteps'>): number {
  const batches = Math.ceil(rows / Math.max(1, config.batchSize));
  return Math.ceil(batches / Math.max(1, config.gradAccumSteps ?? 1));
}
