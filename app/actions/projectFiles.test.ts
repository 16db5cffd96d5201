import { describe, expect, it } from 'vitest';
import { defaultGraph } from '../../engine/graph/format.ts';
import { readProjectZip, writeProjectZip } from '../../engine/project/projectFile.ts';
import { moveNodes, updateAttr } from '../commands/graph.ts';
import { freshProject } from '../store/graphSlice.ts';
import { useApp } from '../store/index.ts';
import { buildProject, currentWeights, projectFileName, readProjectFile } from './projectFiles.ts';

describe('project files', () => {
  it('names the download after the project', () => {
    expect(projectFileName('My model')).toBe('My-model.flowgrad.zip');
    expect(projectFileName('  a/b:c  ')).toBe('abc.flowgrad.zip');
    expect(projectFileName('')).toBe('model.flowgrad.zip');
  });

  it('keeps weights only while they fit the graph (moving nodes is fine, editing is not)', () => {
    const graph = defaultGraph();
    const model = { weights: new Uint8Array([1]), graph, dataset: freshProject().dataset, metrics: null };
    expect(currentWeights({ model, graph })).toBe(model.weights);
    expect(currentWeights({ model, graph: moveNodes(graph, new Map([['dense1', { x: 9, y: 9 }]])) })).toBe(model.weights);
    expect(currentWeights({ model, graph: updateAttr(graph, { nodeId: 'dense1', name: 'units', value: 3 }) })).toBeNull();
    expect(currentWeights({ model: null, graph })).toBeNull();
  });

  it('saves the selected generated or uploaded dataset, not only the 2-D one', () => {
    const src = { kind: 'builtin', name: 'digits', samples: 300, noise: 0.1, seed: 2 } as const;
    const back = readProjectZip(writeProjectZip({ project: buildProject({ ...useApp.getState(), dataSource: src }) }));
    expect(back.project.data).toEqual(src);
  });

  it('builds a project that the project reader accepts', () => {
    const project = buildProject(useApp.getState());
    const back = readProjectZip(writeProjectZip({ project }));
    expect(back.project.graph).toEqual(useApp.getState().graph);
    expect(back.project.data).toEqual(useApp.getState().dataset);
    expect(back.weights).toBeNull();
  });

  it('opens a bare graph JSON, keeping the current data and training settings', async () => {
    const fallback = freshProject();
    const file = new File([JSON.stringify(defaultGraph())], 'net.json', { type: 'application/json' });
    const r = await readProjectFile(file, fallback);
    expect(r.project.name).toBe('net');
    expect(r.project.graph).toEqual(defaultGraph());
    expect(r.project.training).toBe(fallback.training);
    expect(r.weights).toBeNull();
  });

  it('refuses files that are not projects or graphs with a readable message', async () => {
    const fallback = freshProject();
    await expect(readProjectFile(new File(['hello'], 'x.zip'), fallback)).rejects.toThrow(/not a Flowgrad project/);
    await expect(readProjectFile(new File(['{"a":1}'], 'x.json'), fallback)).rejects.toThrow(/not a Flowgrad graph/);
  });
});
