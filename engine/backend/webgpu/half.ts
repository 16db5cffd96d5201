/**
 * float16 storage on the GPU (`shader-f16`): float16 tensors live in `array<f16>` buffers —
 * half the memory and bandwidth — while every kernel computes in f32, as the CPU backend does
 * (float16 is a storage type in this engine). Kernels are not written twice: they are
 * generated for f32, and when a launch binds float16 buffers, this rewrite turns those
 * bindings into f16 arrays and every access into a conversion — reads `X[i]` become
 * `f32(X[i])` (`vec4<f32>(X[i])` for vec4 arrays), stores `X[i] = v` become `X[i] = f16(v)`
 * and compound stores are expanded. The backend adds the float16 bindings to the pipeline
 * key, so each mix of dtypes compiles once.
 *
 * It relies on how kernels are written here (program.ts `bindings()` declarations, buffers
 * only ever indexed, never passed whole except to arrayLength): the op suite runs on float16
 * inputs to hold it to that (webgpu.half.test.ts).
 */
import { FlowgradError } from '../../core/errors.ts';

const DECL = /@group\(0\) @binding\((\d+)\) var<storage, (read|read_write)> (\w+): array<(f32|vec4<f32>|i32)>;/g;

/** Index of the bracket closing the one at `open`. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '[') depth++;
    else if (s[i] === ']' && --depth === 0) return i;
  }
  throw new FlowgradError('internal', 'webgpu half rewrite: unbalanced brackets');
}

/** Index of the `;` ending the statement from `from` (outside parentheses and brackets). */
function statementEnd(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ';' && depth === 0) return i;
  }
  throw new FlowgradError('internal', 'webgpu half rewrite: statement without ;');
}

/**
 * `source` with the storage bindings numbered in `bindings` as f16 arrays (they must be
 * declared f32 or vec4<f32>) and their accesses converted; prefixed with `enable f16;`.
 */
export function halfStorage(source: string, bindings: ReadonlySet<number>): string {
  const types = new Map<string, { load: string; store: string }>();
  const declared = source.replace(DECL, (all, b: string, mode: string, name: string, ty: string) => {
    if (!bindings.has(Number(b))) return all;
    if (ty === 'i32') throw new FlowgradError('internal', `webgpu half rewrite: binding ${b} (${name}) is an integer array`);
    const vec = ty.startsWith('vec4');
    types.set(name, vec ? { load: 'vec4<f32>', store: 'vec4<f16>' } : { load: 'f32', store: 'f16' });
    return `@group(0) @binding(${b}) var<storage, ${mode}> ${name}: array<${vec ? 'vec4<f16>' : 'f16'}>;`;
  });
  if (types.size !== bindings.size) throw new FlowgradError('internal', `webgpu half rewrite: found ${types.size} of ${bindings.size} float16 bindings`);
  const access = new RegExp(`(?<![\\w.])(${[...types.keys()].join('|')})\\s*\\[`, 'g');
  // Declarations stay as they are; only the code after them is rewritten.
  const lastDecl = declared.lastIndexOf('var<storage');
  const bodyStart = declared.indexOf(';', lastDecl) + 1;
  const rewrite = (s: string): string => {
    let out = '';
    let i = 0;
    access.lastIndex = 0;
    for (let m = access.exec(s); m; m = access.exec(s)) {
      const name = m[1]!, t = types.get(name)!;
      const open = m.index + m[0].length - 1, close = closing(s, open);
      const idx = rewrite(s.slice(open + 1, close));
      out += s.slice(i, m.index);
      let j = close + 1;
      while (s[j] === ' ') j++;
      const op = s[j] === '=' && s[j + 1] !== '=' ? '=' : /^[-+*/]=/.test(s.slice(j, j + 2)) ? s.slice(j, j + 2) : null;
      if (op) {
        const end = statementEnd(s, j + op.length);
        const rhs = rewrite(s.slice(j + op.length, end));
        const value = op === '=' ? rhs : `${t.load}(${name}[${idx}]) ${op[0]} (${rhs})`;
        out += `${name}[${idx}] = ${t.store}(${value})`;
        i = end;
      } else {
        out += `${t.load}(${name}[${idx}])`;
        i = close + 1;
      }
      access.lastIndex = i;
    }
    return out + s.slice(i);
  };
  return `enable f16;\n${declared.slice(0, bodyStart)}${rewrite(declared.slice(bodyStart))}`;
}
