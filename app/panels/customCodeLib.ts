/**
 * The engine API as the Custom Code editor declares it to Monaco's JavaScript service: the
 * generated declarations (engine/graph/catalog/customCodeApi.d.ts, a module so the engine's own
 * type-check never sees its globals) turned into a global script — `x`, `ctx` and the types
 * they use — since a forward body is a plain function body with `x` and `ctx` in scope.
 *
 * TypeScript does not check an expression in a `return` outside a function (most bodies end in
 * one), so type errors come from a shadow copy of the body wrapped in a typed function; its
 * diagnostics are moved back `SHADOW_LINES` lines onto the body the user edits.
 */
import API from '../../engine/graph/catalog/customCodeApi.d.ts?raw';

/** Strips the top-level `export`s: every declaration becomes a global of the editor's lib. */
export function editorLib(dts: string): string {
  return dts.replace(/^export /gm, '');
}

export const CUSTOM_CODE_LIB = editorLib(API);

const SHADOW_HEAD = '// @ts-check\n/** @param {Tensor} x @param {CustomContext} ctx @returns {Tensor} */\nfunction forward(x, ctx) {\n';
export const SHADOW_LINES = 3;

/** The body inside `function forward(x, ctx)`, typed, for type-checking. */
export function shadowSource(body: string): string {
  return `${SHADOW_HEAD}${body}\n}\n`;
}
