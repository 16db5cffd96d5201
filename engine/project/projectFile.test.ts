/* eslint-disable @typescript-eslint/no-explicit-any -- these tests damage parsed JSON on purpose */
import { describe, expect, it } from 'vitest';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { FlowgradError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { defaultGraph } from '../graph/format.ts';
import { encodeSafetensors } from './safetensors.ts';
import { newProject, parseProject, readProjectZip, writeProjectZip, type ProjectJSON } from './projectFile.ts';
import { badFile, thrownMessage as fails } from '../test/throws.ts';

const PROJECT: ProjectJSON = { ...newProject('Spiral classifier', new Date('2025-01-02T03:04:05Z')), metrics: { accuracy: 0.97, loss: 0.08 } };
const WEIGHTS = encodeSafetensors({ 'dense1.weight': { dtype: 'F32', shape: [16, 2], data: new Float32Array(32).fill(0.5) } }, { format: 'pt' });
const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as Record<string, any>;
/** A zip whose project.json is `content` (an object is pretty-printed, a string used as is). */
const zipWith = (content: unknown, extra: Record<string, Uint8Array> = {}) =>
  zipSync({ 'project.json': strToU8(typeof content === 'string' ? content : JSON.stringify(content)), ...extra });

describe('project files', () => {
  it('round-trips a project with weights', () => {
    const bytes = writeProjectZip({ project: PROJECT, weights: WEIGHTS });
    const { project, weights } = readProjectZip(bytes);
    expect(project).toEqual(PROJECT);
    expect(weights).toEqual(WEIGHTS);
    const files = unzipSync(bytes);
    expect(Object.keys(files).sort()).toEqual(['project.json', 'weights.safetensors']);
    expect(strFromU8(files['project.json']!)).toMatch(/^\{\n {2}"format": "flowgrad.project",\n {2}"version": 2,/);
  });

  it('round-trips a project that was never trained', () => {
    const bytes = writeProjectZip({ project: newProject('untitled') });
    expect(readProjectZip(bytes).weights).toBeNull();
    expect(Object.keys(unzipSync(bytes))).toEqual(['project.json']);
    expect(readProjectZip(bytes).project.graph).toEqual(defaultGraph());
  });

  it('keeps unknown top-level fields and drops NaN metrics', () => {
    const p = { ...json(PROJECT), runs: [{ id: 'r1' }], metrics: { accuracy: 0.5, loss: null } };
    const { project } = readProjectZip(zipWith(p));
    expect((project as unknown as { runs: unknown }).runs).toEqual([{ id: 'r1' }]);
    expect(project.metrics).toEqual({ accuracy: 0.5 });
    const { metrics: _, ...noMetrics } = json(PROJECT);
    expect(readProjectZip(zipWith(noMetrics)).project).not.toHaveProperty('metrics');
  });

  it('opens a project that was unzipped and zipped again inside a folder', () => {
    const files = unzipSync(writeProjectZip({ project: PROJECT, weights: WEIGHTS }));
    const rezipped = zipSync({ 'My project/project.json': files['project.json']!, 'My project/weights.safetensors': files['weights.safetensors']!, '__MACOSX/My project/._project.json': new Uint8Array(4) });
    expect(readProjectZip(rezipped).weights).toEqual(WEIGHTS);
  });

  it('says what a foreign file is', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(badFile(() => readProjectZip(png))).toBe('This is not a Flowgrad project: it is a PNG image, while Flowgrad projects are .flowgrad.zip files');
    expect(badFile(() => readProjectZip(new Uint8Array(0)))).toMatch(/it is an empty file/);
    expect(badFile(() => readProjectZip(strToU8('  {"format": "flowgrad.graph"}')))).toMatch(/it is a JSON file/);
    expect(badFile(() => readProjectZip(WEIGHTS))).toMatch(/it is a safetensors weights file/);
    expect(badFile(() => readProjectZip(strToU8('hello world')))).toMatch(/it is not a zip file/);
  });

  it('says when a zip is not a project', () => {
    const other = zipSync({ 'readme.txt': strToU8('hi'), 'src/main.py': strToU8('print(1)') });
    expect(badFile(() => readProjectZip(other))).toBe('This is not a Flowgrad project: project.json is missing (the zip contains readme.txt, src/main.py)');
    expect(badFile(() => readProjectZip(zipSync({})))).toMatch(/project.json is missing \(the zip is empty\)/);
    const twoFolders = zipSync({ 'a/project.json': strToU8('{}'), 'b/project.json': strToU8('{}') });
    expect(badFile(() => readProjectZip(twoFolders))).toMatch(/project.json is missing/);
  });

  it('says when a zip is damaged', () => {
    const bytes = writeProjectZip({ project: PROJECT, weights: WEIGHTS });
    expect(badFile(() => readProjectZip(bytes.slice(0, bytes.length - 30)))).toMatch(/^This is not a Flowgrad project: the zip file is damaged or incomplete/);
  });

  it('explains what is wrong inside project.json', () => {
    expect(badFile(() => readProjectZip(zipWith('{"format": ')))).toMatch(/^This Flowgrad project is damaged: project.json: it is not valid JSON/);
    expect(badFile(() => readProjectZip(zipWith('[1]')))).toMatch(/project.json holds a list, not an object/);
    expect(badFile(() => readProjectZip(zipWith({ name: 'x' })))).toBe('This is not a Flowgrad project: project.json has no "format" field (expected "flowgrad.project")');
    expect(badFile(() => readProjectZip(zipWith({ format: 'vscode.workspace' })))).toMatch(/has format "vscode.workspace"/);
    expect(badFile(() => readProjectZip(zipWith(defaultGraph())))).toMatch(/holds a model graph, not a project/);
    expect(badFile(() => readProjectZip(zipWith({ ...json(PROJECT), version: 4 })))).toMatch(/saved by a newer Flowgrad \(project version 4; this one reads up to 3/);
    const cases: [(p: Record<string, any>) => void, RegExp][] = [
      [(p) => delete p.name, /in project.json: name must be a string \(got nothing\)/],
      [(p) => (p.createdAt = 5), /createdAt must be a string/],
      [(p) => (p.graph.nodes = 3), /its model graph cannot be read. Not a valid Flowgrad graph: 'nodes' must be a list/],
      [(p) => delete p.graph, /model graph cannot be read. This is not a Flowgrad graph: expected a JSON object, got nothing/],
      [(p) => (p.data.name = 'mnist'), /data.name must be one of "circles", "xor", "moons", "spirals" \(got "mnist"\)/],
      [(p) => (p.data.samples = 0), /data.samples must be a whole number at least 1/],
      [(p) => (p.data.kind = 'csv'), /data.kind must be one of "builtin2d"/],
      [(p) => (p.training.lr = -1), /training.lr must be a number above 0 \(got -1\)/],
      [(p) => (p.training.optimizer = 'adadelta'), /training.optimizer must be one of "sgd", "adam", "adamw"/],
      [(p) => (p.training.validationSplit = 1), /training.validationSplit must be a number at least 0 and below 1/],
      [(p) => (p.training.batchSize = 2.5), /training.batchSize must be a whole number/],
      [(p) => delete p.training, /training must be an object/],
      [(p) => (p.metrics = { acc: 'high' }), /metrics.acc must be a number/],
    ];
    for (const [mutate, message] of cases) {
      const p = json(PROJECT);
      mutate(p);
      expect(badFile(() => readProjectZip(zipWith(p)))).toMatch(message);
    }
  });

  it('checks the weights file', () => {
    const bad = zipWith(PROJECT, { 'weights.safetensors': strToU8('not tensors') });
    expect(badFile(() => readProjectZip(bad))).toMatch(/^This Flowgrad project is damaged: weights.safetensors cannot be read. Not a valid safetensors file: /);
    const truncated = zipWith(PROJECT, { 'weights.safetensors': WEIGHTS.slice(0, WEIGHTS.length - 4) });
    expect(badFile(() => readProjectZip(truncated))).toMatch(/weights.safetensors cannot be read.*outside/);
  });

  it('refuses to write a project it could not read back', () => {
    expect(fails('bad-argument', () => writeProjectZip({ project: { ...PROJECT, training: { ...PROJECT.training, lr: 0 } } }))).toMatch(/^writeProjectZip: .*training.lr/);
    expect(fails('bad-argument', () => writeProjectZip({ project: PROJECT, weights: new Uint8Array(3) }))).toMatch(/^writeProjectZip: weights: /);
  });

  it('parses project.json content directly', () => {
    expect(parseProject(json(PROJECT))).toEqual(PROJECT);
  });

  it('never throws anything but bad-file on mutated project files (fuzz)', () => {
    const rng = new Rng(7);
    const good = writeProjectZip({ project: PROJECT, weights: WEIGHTS });
    let opened = 0;
    for (let trial = 0; trial < 1500; trial++) {
      const bytes = trial % 3 === 0 ? good.slice(0, rng.int(good.length)) : good.slice();
      if (trial % 3 !== 0) for (let f = 0, k = 1 + rng.int(3); f < k; f++) bytes[rng.int(bytes.length)] = rng.int(256);
      try {
        readProjectZip(bytes);
        opened++;
      } catch (e) {
        if (!(e instanceof FlowgradError) || e.code !== 'bad-file') throw new Error(`trial ${trial}: unexpected ${String(e)}`, { cause: e });
      }
    }
    expect(opened).toBeGreaterThan(0);
  });
});

describe('project data kinds', () => {
  it('keeps generated and uploaded dataset choices through a round trip', async () => {
    const { newProject, writeProjectZip, readProjectZip } = await import('./projectFile.ts');
    for (const data of [
      { kind: 'builtin', name: 'digits', samples: 500, noise: 0.1, seed: 3 },
      { kind: 'upload', id: 'abc123', name: 'iris.csv', prep: { label: 'species' } },
    ] as const) {
      const p = { ...newProject('x'), data };
      expect(readProjectZip(writeProjectZip({ project: p })).project.data).toEqual(data);
    }
  });
});
