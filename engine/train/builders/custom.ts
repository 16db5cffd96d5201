/**
 * The CustomCode node: the user's JavaScript body of `forward(x, ctx)`, compiled with the
 * Function constructor in the worker. `ctx` gives the engine API — `F` (nn.functional),
 * `param(name, shape, init?)` (a trained parameter, created on first use and named
 * `<nodeId>.<name>`), `training`, and the tensor factories. The code runs once on a dummy
 * batch when the graph is compiled: that creates its parameters and checks the output shape
 * the node declares, so a wrong declaration is an error on the node before training starts.
 */
import { FlowgradError, fmtShape, isFlowgradError } from '../../core/errors.ts';
import { scope } from '../../core/memory.ts';
import { Tensor } from '../../core/tensor.ts';
import { noGrad } from '../../autograd/mode.ts';
import { arange, full, ones, rand, randn, tensor, zeros } from '../../ops/creation.ts';
import * as F from '../../nn/functional.ts';
import { kaimingUniform_ } from '../../nn/init.ts';
import { initWeight_ } from '../../nn/init2.ts';
import { emptyParam } from '../../nn/layers.ts';
import { Module } from '../../nn/module.ts';
import type { Parameter } from '../../nn/module.ts';
import { sampleDims, type Builder } from './types.ts';

export interface CustomContext {
  F: typeof F;
  /** A trained parameter of `shape`, created on the first call; init by name (default: PyTorch Linear's for rank ≥ 2, zeros otherwise). */
  param(name: string, shape: number[], init?: string): Tensor;
  training: boolean;
  tensor: typeof tensor;
  zeros: typeof zeros;
  ones: typeof ones;
  full: typeof full;
  randn: typeof randn;
  rand: typeof rand;
  arange: typeof arange;
}

class CustomModule extends Module {
  private readonly own = new Map<string, Parameter>();

  param(name: string, shape: number[], init = 'default'): Parameter {
    const have = this.own.get(name);
    if (have) {
      if (have.shape.join(',') !== shape.join(',')) throw new FlowgradError('shape', `ctx.param('${name}'): asked for ${fmtShape(shape)} but it was created as ${fmtShape(have.shape)}`);
      return have;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new FlowgradError('bad-argument', `ctx.param: '${name}' is not a valid parameter name (letters, digits and _)`);
    const p = emptyParam(shape);
    if (init !== 'default') initWeight_(p, init);
    else if (shape.length >= 2) kaimingUniform_(p, Math.sqrt(5));
    this.own.set(name, p);
    this.registerParameter(name, p);
    return p;
  }
}

export const CUSTOM_BUILDERS: Record<string, Builder> = {
  CustomCode(b) {
    const nodeId = b.node.id;
    const fail = (what: string, e?: unknown): never => {
      const msg = e === undefined ? '' : `: ${e instanceof Error ? e.message : String(e)}`;
      throw new FlowgradError(isFlowgradError(e) && e.code === 'shape' ? 'shape' : 'graph', `Custom Code: ${what}${msg}`, { nodeId, cause: e });
    };
    let fn: (x: Tensor, ctx: CustomContext) => unknown = () => null;
    try {
      fn = new Function('x', 'ctx', `"use strict";\n${String(b.attrs.code ?? '')}`) as typeof fn;
    } catch (e) {
      fail('the code does not parse', e);
    }
    const m = new CustomModule();
    b.register(m);
    const run = (x: Tensor, training: boolean): Tensor => {
      const ctx: CustomContext = { F, param: (n, s, i) => m.param(n, s, i), training, tensor, zeros, ones, full, randn, rand, arange };
      let y: unknown;
      try {
        y = fn(x, ctx);
      } catch (e) {
        fail('the code failed', e);
      }
      if (!(y instanceof Tensor)) fail(`forward must return a tensor (it returned ${y === undefined ? 'nothing' : typeof y})`);
      return y as Tensor;
    };
    const want = sampleDims(b.outShape);
    noGrad(() => scope(() => {
      const y = run(zeros([2, ...sampleDims(b.inShapes[0]!)]), false);
      const got = y.shape.slice(1);
      if (y.shape[0] !== 2 || got.join(',') !== want.join(',')) {
        fail(`the code returns ${fmtShape(['N', ...got])} per batch but the node declares ${fmtShape(['N', ...want])}; set its output shape to [${got.join(',')}] (and keep the batch dimension first)`);
      }
    }));
    return ([x], training) => run(x!, training);
  },
};
