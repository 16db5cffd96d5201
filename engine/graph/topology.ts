/**
 * Graph algorithms for `analyzeGraph`, on nodes numbered 0..n-1 with adjacency lists: a
 * topological order (Kahn), the loops (Tarjan's strongly connected components) and
 * reachability. All iterative and linear in nodes + edges, so a long chain neither
 * overflows the stack nor slows the editor.
 */

/**
 * Kahn's algorithm, ties broken by node number (so the order is stable for a given file).
 * Nodes on a loop, or downstream of one, never reach in-degree 0 and are left out.
 */
export function topoOrder(n: number, out: readonly number[][], inDegree: readonly number[]): number[] {
  const deg = [...inDegree];
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (deg[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    for (const t of out[order[head]!]!) if (--deg[t]! === 0) order.push(t);
  }
  return order;
}

/**
 * The loops: strongly connected components with more than one node, plus single nodes with
 * an edge to themselves (`selfLoop`). Iterative Tarjan.
 */
export function loops(n: number, out: readonly number[][], selfLoop: readonly boolean[]): number[][] {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const result: number[][] = [];
  const work: [number, number][] = []; // (node, next child position)
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    work.push([root, 0]);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const v = frame[0];
      if (frame[1] === 0 && index[v] === -1) {
        index[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = 1;
      }
      const children = out[v]!;
      if (frame[1] < children.length) {
        const w = children[frame[1]++]!;
        if (index[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1 || selfLoop[v]) result.push(comp.reverse());
      }
    }
  }
  return result;
}

/** Which nodes can be reached from `starts` following `adj`. */
export function reach(n: number, adj: readonly number[][], starts: readonly number[]): Uint8Array {
  const seen = new Uint8Array(n);
  const todo: number[] = [];
  const visit = (i: number) => {
    if (seen[i]) return;
    seen[i] = 1;
    todo.push(i);
  };
  starts.forEach(visit);
  while (todo.length > 0) adj[todo.pop()!]!.forEach(visit);
  return seen;
}
