/**
 * Reverse-mode differentiation over the graph recorded by ops/op.ts (a micrograd-style
 * tape: each op output holds a node with its inputs and its op's gradient rule). backward()
 * orders the graph topologically, walks it in reverse summing gradients per tensor, and
 * accumulates into the .grad of leaves. Gradient rules are ops, so with createGraph the
 * gradients are recorded too (higher derivatives). Afterwards the graph is released unless
 * retainGraph, freeing the activations it kept alive.
 */
import { FlowgradError, fmtShape } from '../core/errors.ts';
import { keep, releaseTensor, scope } from '../core/memory.ts';
import { sameShape } from '../core/shape.ts';
import type { Tensor } from '../core/tensor.ts';
import { onesLike, zerosLike } from '../ops/creation.ts';
import { reshape } from '../ops/shape.ts';
import { enableGrad, noGrad } from './mode.ts';

export interface BackwardOptions {
  /** Record the gradient computation so gradients can be differentiated again. */
  createGraph?: boolean;
  /** Keep the graph for another backward() (defaults to createGraph). */
  retainGraph?: boolean;
}

/** Tensors reachable from root through recorded nodes, inputs before outputs. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const t = top[0];
    if (top[1] === 0) {
      if (!t._leaf && !t._h.node) {
        throw new FlowgradError('no-grad', `backward: the graph through tensor ${fmtShape(t.shape)} was already released; pass { retainGraph: true } to the first backward()`);
      }
      visited.add(t);
    }
    const node = t._h.node;
    if (node && top[1] < node.inputs.length) {
      const c = node.inputs[top[1]++];
      if (c.requiresGrad && !visited.has(c)) stack.push([c, 0]);
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

function accumulate(t: Tensor, g: Tensor, createGraph: boolean): void {
  // A fresh handle: the same gradient tensor may flow to several leaves.
  const own = t.grad ? t.grad.add(g) : createGraph ? reshape(g, t.shape) : g.detach();
  const old = t.grad;
  t.grad = keep(own);
  old?.dispose();
}

function checkRoot(op: string, root: Tensor, grad: Tensor | undefined): void {
  root._live(op);
  if (!root.requiresGrad) throw new FlowgradError('no-grad', `${op}: tensor ${fmtShape(root.shape)} does not require grad`);
  if (grad === undefined && root.size !== 1) {
    throw new FlowgradError('shape', `${op}: a gradient is needed for non-scalar output ${fmtShape(root.shape)}`);
  }
  if (grad !== undefined && !sameShape(grad.shape, root.shape)) {
    throw new FlowgradError('shape', `${op}: gradient ${fmtShape(grad.shape)} does not match output ${fmtShape(root.shape)}`);
  }
}

/**
 * The reverse walk shared by backward() and grad(): sums gradients per tensor and hands
 * each tensor's total to `sink` (which decides what to keep) before propagating it.
 * Runs inside a scope: every intermediate gradient is freed at the end.
 */
function reverseWalk<T>(root: Tensor, grad: Tensor | undefined, order: Tensor[], createGraph: boolean, sink: (t: Tensor, g: Tensor) => void, result: () => T): T {
  const run = () =>
    scope(() => {
      const grads = new Map<Tensor, Tensor>();
      grads.set(root, grad ?? onesLike(root));
      for (let i = order.length - 1; i >= 0; i--) {
        const t = order[i];
        const g = grads.get(t);
        if (!g) continue;
        sink(t, g);
        const node = t._h.node;
        if (!node) continue;
        const gs = node.op.grad!(g, node.inputs, t, node.attrs);
        for (let j = 0; j < node.inputs.length; j++) {
          const x = node.inputs[j], gx = gs[j];
          if (!gx || !x.requiresGrad) continue;
          const prev = grads.get(x);
          grads.set(x, prev ? prev.add(gx) : gx);
        }
      }
      return result();
    });
  return createGraph ? enableGrad(run) : noGrad(run);
}

export function backward(root: Tensor, grad: Tensor | undefined, opts: BackwardOptions = {}): void {
  checkRoot('backward', root, grad);
  const createGraph = opts.createGraph ?? false;
  const order = topoOrder(root);
  reverseWalk(root, grad, order, createGraph, (t, g) => {
    if (!t._h.node || t._retainGrad) accumulate(t, g, createGraph);
  }, () => undefined);
  if (!(opts.retainGraph ?? createGraph)) releaseGraph(order);
}

export interface GradOptions extends BackwardOptions {
  /** Gradient of the output (required for non-scalar outputs). */
  gradOutput?: Tensor;
}

/**
 * d(output)/d(inputs) returned instead of accumulated into .grad (torch.autograd.grad).
 * Inputs need not be leaves; an input the output does not depend on gets zeros.
 */
export function grad(output: Tensor, inputs: readonly Tensor[], opts: GradOptions = {}): Tensor[] {
  checkRoot('grad', output, opts.gradOutput);
  const createGraph = opts.createGraph ?? false;
  const order = topoOrder(output);
  const found = new Map<Tensor, Tensor>();
  const wanted = new Set(inputs);
  const out = reverseWalk(output, opts.gradOutput, order, createGraph, (t, g) => {
    if (wanted.has(t)) found.set(t, g);
  }, () => inputs.map((x) => {
    const g = found.get(x);
    if (!g) return zerosLike(x);
    return createGraph ? reshape(g, x.shape) : g.detach();
  }));
  if (!(opts.retainGraph ?? createGraph)) releaseGraph(order);
  return out;
}

/** Drops every node of the graph (and the holds they had on saved tensors). */
function releaseGraph(order: readonly Tensor[]): void {
  for (const t of order) {
    const node = t._h.node;
    if (!node) continue;
    t._h.node = null;
    for (const x of node.inputs) releaseTensor(x);
  }
}
