/**
 * Every layer type's builder, by type string. The catalog completeness test checks that
 * each catalog layer except Input and Loss (handled by the compiler itself) has one.
 */
import type { Builder } from './types.ts';
import { CORE_BUILDERS } from './core.ts';
import { CONV_BUILDERS } from './conv.ts';
import { SEQUENCE_BUILDERS } from './sequence.ts';
import { CUSTOM_BUILDERS } from './custom.ts';

export type { Builder, BuildContext, Step } from './types.ts';

export const BUILDERS: Readonly<Record<string, Builder>> = { ...CORE_BUILDERS, ...CONV_BUILDERS, ...SEQUENCE_BUILDERS, ...CUSTOM_BUILDERS };
