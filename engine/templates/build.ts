/**
 * A tiny builder for template graphs: nodes in a chain laid out left to right (200 units
 * apart, with optional row offsets for side branches), defaults filled from the catalog, and
 * edges named `e_<source>_<target>`. Pure: the app imports templates directly.
 */
import { defaultAttrs } from '../graph/catalog.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type Attrs, type GraphEdge, type GraphJSON, type GraphNode } from '../graph/types.ts';

export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private col = 0;

  /** Adds a node at the next column (row 0 unless given) and returns its id. */
  add(id: string, type: string, attrs: Attrs = {}, row = 0): string {
    this.nodes.push({ id, type, attrs: { ...defaultAttrs(type), ...attrs }, position: { x: 40 + this.col * 200, y: 160 + row * 140 } });
    this.col++;
    return id;
  }

  connect(source: string, target: string, targetPort = 'in'): this {
    this.edges.push({ id: `e_${source}_${target}${targetPort === 'in' ? '' : `_${targetPort}`}`, source, sourcePort: 'out', target, targetPort });
    return this;
  }

  /** Adds nodes one after another, each fed by the previous one (the first by `from`). */
  chain(from: string | null, ...specs: [string, string, Attrs?, number?][]): string {
    let prev = from;
    for (const [id, type, attrs, row] of specs) {
      this.add(id, type, attrs ?? {}, row ?? 0);
      if (prev) this.connect(prev, id);
      prev = id;
    }
    return prev!;
  }

  build(): GraphJSON {
    return { format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: this.nodes, edges: this.edges };
  }
}
