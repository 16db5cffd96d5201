/**
 * The CLI's consent for Custom Code: a project file may come from anyone, and training runs
 * its Custom Code nodes' JavaScript with the full rights of this Node process (files, network).
 * So `train` refuses a graph with Custom Code unless the user passed `--allow-code`, naming
 * each node so the code can be read first (`info` shows the graph without running any code).
 */
import { FlowgradError } from '../core/errors.ts';
import type { GraphJSON } from '../graph/types.ts';

export const ALLOW_CODE_FLAG = '--allow-code';

/** Throws unless `allowed` or the graph holds no Custom Code. */
export function requireCodeConsent(graph: GraphJSON, allowed: boolean): void {
  if (allowed) return;
  const nodes = graph.nodes.filter((n) => n.type === 'CustomCode');
  if (nodes.length === 0) return;
  const names = nodes.map((n) => `'${n.id}' (Custom Code, ${String(n.attrs.code ?? '').split('\n').length} lines)`).join(', ');
  throw new FlowgradError(
    'graph',
    `this project holds JavaScript in Custom Code node${nodes.length > 1 ? 's' : ''} ${names}, which training would run with this process's full rights (files, network). Read it first (unzip the project and look at project.json), then pass ${ALLOW_CODE_FLAG} to run it.`,
    nodes.length === 1 ? { nodeId: nodes[0]!.id } : {},
  );
}
