/**
 * The CustomCode node: the user's JavaScript body of `forward(x, ctx)`, compiled with the
 * Function constructor in the worker. `ctx` gives the engine API — `F` (nn.functional),
 * `param(name, shape, init?)` (a trained parameter, created on first use and named
 * `<nodeId>.<name>`), `training`, and the tensor factories. The code runs once on a dummy
 * batch when the graph is compiled: that creates its parameters and checks the output shape
 * the node declares, so a wrong declaration is an error on the node before training starts.
 * `checkCustomCode` runs that same compile-and-dummy-batch step on its own (the worker does it
 * while the user types); errors say the line of the body they come from when the stack has it.
 */
import { FlowgradError, fmtShape, isFlowgradError } from '../../core/errors.ts';
import { scope } from '../../core/memory.ts';
import { Tensor } from '../../core/tensor.ts';
import { noGrad } from '../../autograd/mode.ts';
import { arange, full, ones, rand, randn, tensor, zeros } from '../../ops/creation.ts';
import * as F from '../../nn/functional.ts';
import { kaimingUniform_ } from '../../nn/init.ts';
import { initWeight_ } from '../../nn/initSchemes.ts';
import { emptyParam } from '../../nn/linear.ts';
import { Module } from '../../nn/module.ts';
import type { Parameter } from '../../nn/module.ts';
import { sampleDims, type FamilyBuilders } from './types.ts';

export interface CustomContext {
  /** nn.functional: F.linear, F.conv2d, F.softmax, F.dropout... */
  F: typeof F;
  /** A trained parameter of `shape`, created on the first call; init by name (default: PyTorch Linear's for rank ≥ 2, zeros otherwise). */
  param(name: string, shape: number[], init?: string): Tensor;
  /** True while training (dropout on), false for validation and prediction. */
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

type Forward = (x: Tensor, ctx: CustomContext) => unknown;

const compile = (code: string): Forward => new Function('x', 'ctx', `"use strict";\n${code}`) as Forward;

/** Line and column in a stack frame of code made by `compile` (V8: `<anonymous>:5:7`, Firefox: `> Function:5:7`). */
function frameOf(e: unknown): { line: number; column: number } | null {
  const m = /(?:<anonymous>|> Function):(\d+):(\d+)/.exec(String((e as Error | undefined)?.stack ?? ''));
  return m ? { line: Number(m[1]), column: Number(m[2]) } : null;
}

/** How many lines the Function wrapper puts before the body's first line: measured once, not assumed per engine. */
const LINE_OFFSET = (() => {
  try {
    compile('throw new Error()')(null as unknown as Tensor, null as unknown as CustomContext);
  } catch (e) {
    const f = frameOf(e);
    if (f) return f.line - 1;
  }
  return null;
})();

/** Where in the body an error was thrown (1-based), when the stack says. */
export function codeLocation(e: unknown): { line: number; column: number } | null {
  const f = frameOf(e);
  return f && LINE_OFFSET !== null && f.line > LINE_OFFSET ? { line: f.line - LINE_OFFSET, column: f.column } : null;
}

/** What is wrong with a Custom Code body, as the node shows it; `line` is 1-based in the body. */
export interface CodeProblem {
  code: 'graph' | 'shape';
  message: string;
  line?: number;
  column?: number;
}

class CodeFailure extends FlowgradError {
  constructor(readonly problem: CodeProblem, nodeId: string | undefined, cause?: unknown) {
    super(problem.code, problem.message, { ...(nodeId ? { nodeId } : {}), cause });
  }
}

/**
 * Compiles a body and runs it once on a dummy batch of two samples of `inSample` (no
 * gradients), checking it returns a tensor of `outSample` per sample; what training does
 * before the first step. Returns the run function bound to `m`, or throws a CodeFailure.
 */
function prepare(code: string, m: CustomModule, inSample: number[], outSample: number[], nodeId?: string): (x: Tensor, training: boolean) => Tensor {
  const fail = (what: string, e?: unknown): never => {
    const where = e === undefined ? null : codeLocation(e);
    const msg = e === undefined ? '' : `: ${e instanceof Error ? e.message : String(e)}`;
    const problem: CodeProblem = {
      code: isFlowgradError(e) && e.code === 'shape' ? 'shape' : 'graph',
      message: `Custom Code: ${what}${where ? ` at line ${where.line}` : ''}${msg}`,
      ...(where ?? {}),
    };
    throw new CodeFailure(problem, nodeId, e);
  };
  let fn: Forward = () => null;
  try {
    fn = compile(code);
  } catch (e) {
    fail('the code does not parse', e);
  }
  const run = (x: Tensor, training: boolean): Tensor => {
    const ctx: CustomContext = { F, param: (n, s, i) => m.param(n, s, i), training, tensor, zeros, ones, full, randn, rand, arange };
    let y: unknown;
    try {
      y = fn(x, ctx);
    } catch (e) {
      fail('the code failed', e);
    }
    if (!(y instanceof Tensor)) fail(`forward must return a tensor (it returned ${y === undefined ? 'nothing' : y === null ? 'null' : typeof y})`);
    return y as Tensor;
  };
  noGrad(() => scope(() => {
    const y = run(zeros([2, ...inSample]), false);
    const got = y.shape.slice(1);
    if (y.shape[0] !== 2 || got.join(',') !== outSample.join(',')) {
      fail(`the code returns ${fmtShape(['N', ...got])} per batch but the node declares ${fmtShape(['N', ...outSample])}; set its output shape to [${got.join(',')}] (and keep the batch dimension first)`);
    }
  }));
  return run;
}

/**
 * Checks a Custom Code body as compiling the graph would: parses it and, when the input
 * sample shape is known, runs it on a dummy batch and compares the output with `outSample`.
 * Null when it is fine. The parameters it creates are freed again.
 */
export function checkCustomCode(code: string, inSample: number[] | null, outSample: number[] | null): CodeProblem | null {
  const m = new CustomModule();
  try {
    if (inSample) prepare(code, m, inSample, outSample ?? inSample);
    else compile(code);
    return null;
  } catch (e) {
    if (e instanceof CodeFailure) return e.problem;
    return { code: 'graph', message: `Custom Code: the code does not parse: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    m.dispose();
  }
}

export const CUSTOM_BUILDERS = {
  CustomCode(b) {
    const m = new CustomModule();
    b.register(m);
    const run = prepare(String(b.attrs.code ?? ''), m, sampleDims(b.inShapes[0]!), sampleDims(b.outShape), b.node.id);
    return ([x], training) => run(x!, training);
  },
} satisfies FamilyBuilders;
