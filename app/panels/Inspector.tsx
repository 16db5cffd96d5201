/**
 * The right-hand inspector. With a node selected: its typed attribute fields, where each
 * input comes from (a keyboard-friendly way to connect), output shape, parameters, the layer
 * doc and the node's issues, plus Delete. With a connection selected: what it carries. With
 * nothing selected: a summary of the whole model.
 */
import { useState } from 'react';
import { getLayer } from '../../engine/graph/catalog.ts';
import type { GraphAnalysis, GraphGroup, GraphIssue, GraphJSON, GraphNode, LayerSpec } from '../../engine/graph/types.ts';
import { connect, disconnectInput } from '../commands/graph.ts';
import { groupOfNode, MAX_REPEAT, selectedGroup, summarizeGroup } from '../commands/groups.ts';
import { formatCount, formatShape, issueText, layerLabel } from '../canvas/convert.ts';
import { useAnalysis } from '../store/analysis.ts';
import { useApp } from '../store/index.ts';
import { AttrField } from './AttrField.tsx';
import { RichAttrField } from './RichAttrField.tsx';

function spec(type: string): LayerSpec | undefined {
  try {
    return getLayer(type);
  } catch {
    return undefined;
  }
}

function IssueList({ issues, graph, label = 'Issues' }: { issues: GraphIssue[]; graph: GraphJSON; label?: string }) {
  if (issues.length === 0) return null;
  const focusNode = useApp.getState().focusNode;
  return (
    <ul className="issue-list" aria-label={label}>
      {issues.map((i, k) => (
        <li key={k} className={`issue ${i.severity}`}>
          {i.nodeId && graph.nodes.some((n) => n.id === i.nodeId) ? (
            <button type="button" className="link" onClick={() => focusNode(i.nodeId!)}>{issueText(i, graph)}</button>
          ) : (
            <span>{issueText(i, graph)}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

function InputSource({ node, port, label, graph, analysis }: { node: GraphNode; port: string; label: string; graph: GraphJSON; analysis: GraphAnalysis }) {
  const edit = useApp((s) => s.edit);
  // Listing every possible source is O(layers); on big graphs do it only once the select is used.
  const [open, setOpen] = useState(graph.nodes.length < 200);
  const current = graph.edges.find((e) => e.target === node.id && e.targetPort === port);
  const value = current ? `${current.source}|${current.sourcePort}` : '';
  const option = (n: GraphNode, o: { name: string }) => ({ value: `${n.id}|${o.name}`, text: `${layerLabel(n.type)} · ${n.id}${formatShape(analysis.shapes[n.id]) ? ` (${formatShape(analysis.shapes[n.id])})` : ''}` });
  const source = current && graph.nodes.find((n) => n.id === current.source);
  const candidates = open
    ? graph.nodes.filter((n) => n.id !== node.id).flatMap((n) => (spec(n.type)?.outputs ?? []).map((o) => option(n, o)))
    : source ? [option(source, { name: current.sourcePort })] : [];
  const id = `src-${node.id}-${port}`;
  return (
    <div className="field">
      <label htmlFor={id}>Input {label}</label>
      <select
        id={id}
        value={value}
        onFocus={() => setOpen(true)}
        onPointerDown={() => setOpen(true)}
        onChange={(e) => {
          const v = e.target.value;
          if (!v) return edit((g) => disconnectInput(g, { target: node.id, targetPort: port }));
          const [source, sourcePort] = v.split('|');
          edit((g) => connect(g, { source, sourcePort, target: node.id, targetPort: port }));
        }}
      >
        <option value="">— not connected —</option>
        {candidates.map((c) => (
          <option key={c.value} value={c.value}>{c.text}</option>
        ))}
      </select>
    </div>
  );
}

function GroupInspector({ group, graph, analysis }: { group: GraphGroup; graph: GraphJSON; analysis: GraphAnalysis }) {
  const [times, setTimes] = useState(2);
  const [name, setName] = useState(group.name);
  const s = summarizeGroup(graph, group, analysis);
  const shapes = (list: typeof s.inputs) => list.map((x) => formatShape(x) ?? '?').join(', ') || '—';
  const app = useApp.getState;
  const commitName = () => {
    if (name.trim() && name !== group.name) app().renameGroup(group.id, name);
    else setName(group.name);
  };
  const n = Math.min(MAX_REPEAT + 1, Math.max(2, Math.floor(times) || 2));
  return (
    <>
      <header className="inspector-head">
        <h2>{group.name}</h2>
        <code className="muted">{group.collapsed ? 'collapsed group' : 'group'}</code>
      </header>
      <div className="field">
        <label htmlFor={`group-name-${group.id}`}>Group name</label>
        <input
          id={`group-name-${group.id}`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          onBlur={commitName}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitName();
          }}
        />
      </div>
      <dl className="facts" aria-label="Group summary">
        <dt>Layers</dt>
        <dd>{s.layers}</dd>
        <dt>Input</dt>
        <dd>{shapes(s.inputs)}</dd>
        <dt>Output</dt>
        <dd>{shapes(s.outputs)}</dd>
        <dt>Parameters</dt>
        <dd>{s.params.toLocaleString('en-US')}</dd>
      </dl>
      <section className="inspector-section" aria-label="Repeat">
        <h3>Repeat</h3>
        <p className="muted small">Chains copies of this block output → input, e.g. a Transformer block ×6.</p>
        <div className="field">
          <label htmlFor={`group-times-${group.id}`}>Repeat count</label>
          <input
            id={`group-times-${group.id}`}
            type="number"
            min={2}
            max={MAX_REPEAT + 1}
            step={1}
            value={times}
            onChange={(e) => setTimes(Number(e.target.value))}
          />
        </div>
        <button type="button" onClick={() => app().repeatGroup(group.id, n)}>
          Repeat ×{n}
        </button>
      </section>
      <div className="inspector-actions">
        <button type="button" onClick={() => app().setGroupCollapsed(group.id, !group.collapsed)}>
          {group.collapsed ? 'Expand group' : 'Collapse group'}
        </button>
        <button type="button" onClick={() => app().ungroup(group.id)} title="Ctrl+Shift+G">
          Ungroup
        </button>
      </div>
    </>
  );
}

function NodeInspector({ node, graph, analysis }: { node: GraphNode; graph: GraphJSON; analysis: GraphAnalysis }) {
  const setAttr = useApp((s) => s.setAttr);
  const deleteElements = useApp((s) => s.deleteElements);
  const engineError = useApp((s) => s.engineErrors[node.id]);
  const l = spec(node.type);
  const issues = analysis.issues.filter((i) => i.nodeId === node.id);
  const attrIssue = (name: string) => issues.find((i) => i.attr === name && i.severity === 'error')?.message;
  const shape = formatShape(analysis.shapes[node.id]);
  const group = groupOfNode(graph, node.id);
  return (
    <>
      <header className={`inspector-head cat-${l?.category ?? 'unknown'}`}>
        <span className="layer-node-swatch" aria-hidden="true" />
        <h2>{l?.label ?? node.type}</h2>
        <code className="muted">{node.id}</code>
      </header>
      {l && <p className="doc">{l.doc}</p>}
      <dl className="facts">
        {(l?.outputs.length ?? 0) > 0 && (
          <>
            <dt>Output</dt>
            <dd>{shape ?? '—'}</dd>
          </>
        )}
        <dt>Parameters</dt>
        <dd>{(analysis.params[node.id] ?? 0).toLocaleString('en-US')}</dd>
        {(analysis.flops[node.id] ?? 0) > 0 && (
          <>
            <dt>FLOPs / sample</dt>
            <dd>{formatCount(analysis.flops[node.id])}</dd>
          </>
        )}
      </dl>
      {l && (l.attrs.length > 0 || (l.richAttrs?.length ?? 0) > 0) && (
        <section className="inspector-section" aria-label="Attributes">
          <h3>Attributes</h3>
          {l.attrs.map((a) => (
            <AttrField key={`${node.id}:${a.name}`} spec={a} value={node.attrs[a.name]} issue={attrIssue(a.name)} onCommit={(v) => setAttr(node.id, a.name, v)} />
          ))}
          {(l.richAttrs ?? []).map((a) => (
            <RichAttrField key={`${node.id}:${a.name}`} nodeId={node.id} spec={a} value={node.attrs[a.name]} issue={attrIssue(a.name)} onCommit={(v) => setAttr(node.id, a.name, v)} />
          ))}
        </section>
      )}
      {l && l.inputs.length > 0 && (
        <section className="inspector-section" aria-label="Inputs">
          <h3>Inputs</h3>
          {l.inputs.map((p) => (
            <InputSource key={p.name} node={node} port={p.name} label={l.inputs.length > 1 ? p.name : ''} graph={graph} analysis={analysis} />
          ))}
        </section>
      )}
      {(issues.length > 0 || engineError) && (
        <section className="inspector-section">
          <h3>Problems</h3>
          <IssueList issues={issues} graph={graph} />
          {engineError && <p className="issue error">{engineError}</p>}
        </section>
      )}
      {group && (
        <section className="inspector-section" aria-label="Group">
          <h3>Group</h3>
          <p className="small">
            Part of <strong>{group.name}</strong>{' '}
            <button type="button" className="link" onClick={() => useApp.getState().select({ nodes: group.nodeIds, edges: [] })}>
              Select group
            </button>
          </p>
        </section>
      )}
      <div className="inspector-actions">
        <button type="button" className="danger" onClick={() => deleteElements({ nodeIds: [node.id] })}>
          Delete layer
        </button>
      </div>
    </>
  );
}

function ModelSummary({ graph, analysis }: { graph: GraphJSON; analysis: GraphAnalysis }) {
  const errors = analysis.issues.filter((i) => i.severity === 'error').length;
  return (
    <>
      <header className="inspector-head">
        <h2>Model</h2>
      </header>
      <dl className="facts">
        <dt>Layers</dt>
        <dd>{graph.nodes.length}</dd>
        <dt>Parameters</dt>
        <dd>{analysis.totalParams.toLocaleString('en-US')}</dd>
        <dt>FLOPs / sample</dt>
        <dd>{formatCount(analysis.totalFlops)}</dd>
        <dt>Status</dt>
        <dd className={errors ? 'text-error' : 'text-ok'}>{errors ? `${errors} error${errors > 1 ? 's' : ''}` : 'Ready to train'}</dd>
      </dl>
      <button type="button" className="summary-open" onClick={() => useApp.getState().openDialog('summary')}>
        Summary table…
      </button>
      <IssueList issues={analysis.issues} graph={graph} label="Model issues" />
      <p className="muted small hint">
        Select a layer to edit it. Drag from a layer’s right handle to another’s left handle to connect them; press Delete to remove
        the selection.
      </p>
    </>
  );
}

export function Inspector() {
  const graph = useApp((s) => s.graph);
  const selection = useApp((s) => s.selection);
  const deleteElements = useApp((s) => s.deleteElements);
  const analysis = useAnalysis();
  const node = selection.nodes.length === 1 ? graph.nodes.find((n) => n.id === selection.nodes[0]) : undefined;
  const edge = !node && selection.edges.length === 1 && selection.nodes.length === 0 ? graph.edges.find((e) => e.id === selection.edges[0]) : undefined;
  const group = selectedGroup(graph, selection.nodes);
  const multi = selection.nodes.length + selection.edges.length > 1;
  return (
    <aside className="panel inspector" aria-label="Inspector">
      {group ? (
        <GroupInspector key={`${group.id}:${group.name}`} group={group} graph={graph} analysis={analysis} />
      ) : node ? (
        <NodeInspector key={node.id} node={node} graph={graph} analysis={analysis} />
      ) : edge ? (
        <>
          <header className="inspector-head">
            <h2>Connection</h2>
          </header>
          <dl className="facts">
            <dt>From</dt>
            <dd>{layerLabel(graph.nodes.find((n) => n.id === edge.source)?.type ?? edge.source)} · {edge.sourcePort}</dd>
            <dt>To</dt>
            <dd>{layerLabel(graph.nodes.find((n) => n.id === edge.target)?.type ?? edge.target)} · {edge.targetPort}</dd>
            <dt>Carries</dt>
            <dd>{formatShape(analysis.edgeShapes[edge.id]) ?? '—'}</dd>
          </dl>
          <div className="inspector-actions">
            <button type="button" className="danger" onClick={() => deleteElements({ edgeIds: [edge.id] })}>
              Delete connection
            </button>
          </div>
        </>
      ) : multi ? (
        <>
          <header className="inspector-head">
            <h2>{selection.nodes.length + selection.edges.length} selected</h2>
          </header>
          <div className="inspector-actions">
            {selection.nodes.length > 0 && (
              <button type="button" onClick={() => useApp.getState().groupSelection()} title="Ctrl+G">
                Group
              </button>
            )}
            <button type="button" className="danger" onClick={() => useApp.getState().deleteSelection()}>
              Delete selection
            </button>
          </div>
        </>
      ) : (
        <ModelSummary graph={graph} analysis={analysis} />
      )}
    </aside>
  );
}
