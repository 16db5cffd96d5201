/**
 * The exported ONNX file in onnxruntime-web, in real Chromium (issue #14): two templates
 * (the small ResNet: convolutions, BatchNorm with moved running statistics, a residual Add,
 * global pooling; the Transformer classifier: embedding, attention, LayerNorm) are exported by
 * the engine with seeded weights and run in a page by onnxruntime-web's WebAssembly backend,
 * served from node_modules through page routes (no CDN, no network); the outputs equal
 * Flowgrad's own forward within 1e-4 at batch sizes 1 and 7.
 */
import { test, expect, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { manualSeed } from '../engine/ops/creation.ts';
import { GraphModel } from '../engine/train/graphModel.ts';
import { getTemplate } from '../engine/templates/index.ts';
import { exportOnnx } from '../engine/io/onnx/export.ts';
import { forward, hostWeights, maxAbsDiff, sampleInputs } from '../engine/test/onnxRun.ts';

const ORIGIN = 'https://ort.test';
// The package's main file lies in dist/, beside the browser builds and their .wasm files.
const ORT_DIST = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));

/** A blank page whose origin serves onnxruntime-web's dist files and the models. */
async function ortPage(page: Page, models: Record<string, Uint8Array>): Promise<void> {
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/') return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>onnxruntime-web</title>' });
    if (path.startsWith('/model/')) return route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from(models[path.slice(7)]!) });
    const file = path.replace(/^\/ort\//, '');
    if (!/^[\w.-]+$/.test(file)) return route.fulfill({ status: 404 });
    const type = file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    try {
      return route.fulfill({ status: 200, contentType: type, body: await readFile(join(ORT_DIST, file)) });
    } catch {
      return route.fulfill({ status: 404 });
    }
  });
  await page.goto(`${ORIGIN}/`);
}

test('exported ONNX models run in onnxruntime-web in Chromium and match Flowgrad within 1e-4', async ({ page }) => {
  const cases = [{ id: 'resnet', ids: undefined }, { id: 'transformer', ids: 20 }] as const;
  const models: Record<string, Uint8Array> = {};
  const wants: Record<string, { n: number; x: number[]; shape: number[]; want: Float32Array; dims: number[] }[]> = {};
  for (const c of cases) {
    const graph = getTemplate(c.id)!.build();
    manualSeed(5);
    const model = new GraphModel(graph);
    for (const [name, b] of model.namedBuffers()) b.assign(Float32Array.from({ length: b.size }, (_, i) => (/var$/i.test(name) ? 0.5 + ((i * 0.37) % 1.5) : Math.sin(i + 1))));
    model.eval();
    models[c.id] = exportOnnx(graph, hostWeights(model), { name: c.id });
    wants[c.id] = [1, 7].map((n) => {
      const shape = [n, ...model.inputShape];
      const x = sampleInputs(n, model.inputShape, c.ids, n);
      const y = forward(model, x, shape);
      return { n, x: Array.from(x), shape, want: y.data, dims: y.dims };
    });
    model.dispose();
  }

  await ortPage(page, models);
  const got = await page.evaluate(async (jobs) => {
    const ort = (await import(`${location.origin}/ort/ort.wasm.min.mjs`)) as typeof import('onnxruntime-web');
    ort.env.wasm.numThreads = 1; // a page without cross-origin isolation
    ort.env.wasm.wasmPaths = `${location.origin}/ort/`;
    const out: Record<string, { data: number[]; dims: number[] }[]> = {};
    for (const [id, runs] of Object.entries(jobs)) {
      const bytes = new Uint8Array(await (await fetch(`${location.origin}/model/${id}`)).arrayBuffer());
      const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
      out[id] = [];
      for (const r of runs) {
        const y = (await session.run({ input: new ort.Tensor('float32', Float32Array.from(r.x), r.shape) })).output!;
        out[id].push({ data: Array.from(y.data as Float32Array), dims: [...y.dims] });
      }
      await session.release();
    }
    return out;
  }, Object.fromEntries(Object.entries(wants).map(([id, runs]) => [id, runs.map((r) => ({ x: r.x, shape: r.shape }))])));

  for (const c of cases) {
    let worst = 0;
    wants[c.id]!.forEach((w, i) => {
      const y = got[c.id]![i]!;
      expect(y.dims, `${c.id} at batch ${w.n}`).toEqual(w.dims);
      worst = Math.max(worst, maxAbsDiff(y.data, w.want));
    });
    console.log(`onnxruntime-web (wasm, Chromium) vs Flowgrad, ${c.id}: max abs diff ${worst.toExponential(2)} over batch 1 and 7`);
    expect(worst, c.id).toBeLessThanOrEqual(1e-4);
  }
});
