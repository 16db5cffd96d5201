import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultGraph } from '../graph/format.ts';
import { readProjectZip } from '../project/projectFile.ts';
import { runTraining } from '../train/session.ts';

const run = (...args: string[]) => execFileSync('npx', ['tsx', 'engine/cli/main.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('flowgrad CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowgrad-cli-'));
  const graphFile = join(dir, 'model.json');
  writeFileSync(graphFile, JSON.stringify(defaultGraph()));

  it('info prints shapes and parameter counts', () => {
    const out = run('info', graphFile);
    expect(out).toMatch(/354 parameters/);
    expect(out).toMatch(/dense1\s+Dense\s+\[N,16\]/);
  });

  it('train writes a project with weights that reopens', () => {
    const outFile = join(dir, 'trained.flowgrad.zip');
    const out = run('train', graphFile, '--data', 'builtin:xor', '--epochs', '5', '--out', outFile);
    expect(out).toMatch(/completed: loss/);
    const { project, weights } = readProjectZip(new Uint8Array(readFileSync(outFile)));
    expect(project.data.name).toBe('xor');
    expect(project.training.epochs).toBe(5);
    expect(weights!.length).toBeGreaterThan(1000);
  });

  it('trains through the session\'s loop and data loader: the same weights as runTraining in-process', async () => {
    const outFile = join(dir, 'same.flowgrad.zip');
    run('train', graphFile, '--data', 'builtin:moons', '--epochs', '2', '--batch', '24', '--seed', '5', '--out', outFile);
    const { project, weights } = readProjectZip(new Uint8Array(readFileSync(outFile)));
    const here = await runTraining({ runId: 'here', graph: project.graph, dataset: project.data, config: project.training, boundaryResolution: 0 }, { onEvent: () => {}, shouldStop: () => false });
    expect(project.training).toMatchObject({ epochs: 2, batchSize: 24, seed: 5 });
    expect(Array.from(weights!)).toEqual(Array.from(here.weights));
  });

  it('trains on a CSV file with the same parsers and preparation as the app', () => {
    const csv = join(dir, 'points.csv');
    const rows = ['x,y,label'];
    for (let i = 0; i < 120; i++) rows.push(`${(i % 2 ? 2 : -2) + Math.sin(i)},${Math.cos(i * 7)},${i % 2 ? 'b' : 'a'}`);
    writeFileSync(csv, rows.join('\n'));
    const outFile = join(dir, 'csv.flowgrad.zip');
    const out = run('train', graphFile, '--data', csv, '--label', 'label', '--epochs', '8', '--out', outFile);
    const acc = Number(/accuracy ([0-9.]+)%/.exec(out)![1]);
    expect(acc).toBeGreaterThan(90);
    const { project } = readProjectZip(new Uint8Array(readFileSync(outFile)));
    expect(project.data).toMatchObject({ kind: 'upload', name: 'points.csv', prep: { label: 'label' } });
  });

  it('train, then train the output again: continues from the checkpoint (not a fresh start); --restart starts over', () => {
    const first = join(dir, 'first.flowgrad.zip'), second = join(dir, 'second.flowgrad.zip'), over = join(dir, 'over.flowgrad.zip');
    const a = JSON.parse(run('train', graphFile, '--data', 'builtin:moons', '--epochs', '6', '--seed', '2', '--json', '--out', first)) as { epochs: { epoch: number; loss: number }[]; startEpoch: number; test: { rows: number; accuracy: number } };
    expect(a.startEpoch).toBe(0);
    expect(a.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.test.rows).toBeGreaterThan(0);
    const b = JSON.parse(run('train', first, '--epochs', '2', '--json', '--out', second)) as typeof a;
    expect(b.startEpoch).toBe(6);
    expect(b.epochs.map((e) => e.epoch)).toEqual([7, 8]);
    const lastOfFirst = a.epochs.at(-1)!.loss, firstOfFresh = a.epochs[0]!.loss;
    // The continuation's first epoch is near where the first run ended, far from a fresh start.
    expect(Math.abs(b.epochs[0]!.loss - lastOfFirst)).toBeLessThan(0.25 * Math.abs(firstOfFresh - lastOfFirst));
    const c = JSON.parse(run('train', first, '--epochs', '2', '--restart', '--json', '--out', over)) as typeof a;
    expect(c.startEpoch).toBe(0);
    expect(c.epochs[0]!.loss).toBe(firstOfFresh);
    const { project, optimizer } = readProjectZip(new Uint8Array(readFileSync(second)));
    expect(project.checkpoint).toMatchObject({ epoch: 8, optimizer: { kind: 'adam' } });
    expect(project.checkpoint!.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(optimizer!.byteLength).toBeGreaterThan(1000);
    const info = JSON.parse(run('info', second, '--json')) as { trained: boolean; checkpoint: { epoch: number } };
    expect(info).toMatchObject({ trained: true, checkpoint: { epoch: 8 } });
  });

  it('a CSV project keeps its preprocessing and (with --include-data) its data; evaluate prints per-class scores with the label names, and --json the same', () => {
    const csv = join(dir, 'fruit.csv');
    const rows = ['width,colour,kind'];
    for (let i = 0; i < 160; i++) rows.push(`${(i % 2 ? 40 : 10) + Math.sin(i) * 5},${['red', 'green'][i % 2]},${i % 2 ? 'pear' : 'apple'}`);
    writeFileSync(csv, rows.join('\n'));
    const withData = join(dir, 'fruit-data.flowgrad.zip'), without = join(dir, 'fruit.flowgrad.zip');
    const g = defaultGraph();
    g.nodes.find((n) => n.type === 'Input')!.attrs.shape = [3];
    const gFile = join(dir, 'fruit.json');
    writeFileSync(gFile, JSON.stringify(g));
    run('train', gFile, '--data', csv, '--label', 'kind', '--epochs', '6', '--include-data', '--out', withData);
    run('train', gFile, '--data', csv, '--label', 'kind', '--epochs', '6', '--out', without);
    const full = readProjectZip(new Uint8Array(readFileSync(withData)));
    expect(full.project.dataset).toEqual({ file: 'fruit.csv', bytes: readFileSync(csv).byteLength });
    expect(full.project.preprocessing).toMatchObject({ kind: 'table', classNames: ['apple', 'pear'], featureNames: ['width', 'colour=red', 'colour=green'] });
    expect(readProjectZip(new Uint8Array(readFileSync(without))).dataset).toBeNull();
    // The project with its data evaluates on another machine: no --data needed.
    const text = run('evaluate', withData);
    expect(text).toMatch(/rows of the test split/);
    expect(text).toMatch(/apple\s+\d\.\d{3}\s+\d\.\d{3}/);
    expect(text).toMatch(/pear\s+\d\.\d{3}/);
    const rep = JSON.parse(run('evaluate', withData, '--data', csv, '--json')) as { split: string; rows: number; classNames: string[]; confusion: number[][]; accuracy: number };
    expect(rep).toMatchObject({ split: 'given', rows: 160, classNames: ['apple', 'pear'] });
    expect(rep.confusion.flat().reduce((x, y) => x + y, 0)).toBe(160);
    expect(rep.accuracy).toBeGreaterThan(0.9);
  });

  it('refuses to run a project\'s Custom Code without --allow-code, naming the node; runs it with the flag', () => {
    const g = defaultGraph();
    // The code would write a file if it ran: it must not, without consent.
    const marker = join(dir, 'ran.txt');
    const code = `globalThis.process?.getBuiltinModule?.('node:fs')?.writeFileSync(${JSON.stringify(marker)}, 'ran');\nreturn x;`;
    g.nodes.splice(2, 0, { id: 'cc1', type: 'CustomCode', attrs: { code, outputShape: [] }, position: { x: 0, y: 0 } });
    g.edges = g.nodes.slice(1).map((t, i) => ({ id: `e${i}`, source: g.nodes[i]!.id, sourcePort: 'out', target: t.id, targetPort: 'in' }));
    const file = join(dir, 'coded.json');
    writeFileSync(file, JSON.stringify(g));
    const outFile = join(dir, 'coded.flowgrad.zip');
    let msg = '';
    try {
      run('train', file, '--data', 'builtin:xor', '--epochs', '1', '--out', outFile);
    } catch (e) {
      msg = String((e as { stderr?: string }).stderr);
    }
    expect(msg).toMatch(/^error \(graph\) at node 'cc1': .*Custom Code node 'cc1'.*--allow-code/m);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(outFile)).toBe(false);
    expect(run('info', file)).toMatch(/cc1\s+CustomCode/); // info shows it without running it
    expect(existsSync(marker)).toBe(false);
    expect(run('train', file, '--data', 'builtin:xor', '--epochs', '1', '--allow-code', '--out', outFile)).toMatch(/completed: loss/);
    expect(existsSync(marker)).toBe(true);
  });

  it('bad input fails with a message, not a stack trace', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"hello": 1}');
    let msg = '';
    try {
      run('info', bad);
    } catch (e) {
      msg = String((e as { stderr?: string }).stderr);
    }
    expect(msg).toMatch(/^error \(bad-file\)/m);
  });
});
