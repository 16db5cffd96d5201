/**
 * The builder table: every model layer kind's builder (Input and Loss are handled by the
 * compiler itself). Typed `Record<ModelLayerType, Builder>`, so a kind added to the catalog
 * without its builder does not compile; each family file holds its rows (`FamilyBuilders`).
 */
import type { ModelLayerType } from '../../graph/catalog.ts';
import type { Builder } from './types.ts';
import { CORE_BUILDERS } from './core.ts';
import { CONV_BUILDERS } from './conv.ts';
import { SEQUENCE_BUILDERS } from './sequence.ts';
import { CUSTOM_BUILDERS } from './custom.ts';

export type { Builder, BuildContext, Step } from './types.ts';

export const BUILDERS: Readonly<Record<ModelLayerType, Builder>> = { ...CORE_BUILDERS, ...CONV_BUILDERS, ...SEQUENCE_BUILDERS, ...CUSTOM_BUILDERS };

/** The builder for a node's `type` (a string from a graph file), or undefined for an unknown kind. */
export function builderFor(type: string): Builder | undefined {
  return Object.hasOwn(BUILDERS, type) ? BUILDERS[type as ModelLayerType] : undefined;
}
