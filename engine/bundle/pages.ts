/**
 * The text files of a standalone bundle: the README (what is inside, how to run it in a page
 * and in Node, the API), the `<script type="module">` example page and the Node example. Each
 * is made from the manifest, so the example input fits the model (a table row by column name,
 * or numbers of one sample's size).
 */
import { RUNTIME_FILE, type BundleManifest } from './manifest.ts';

/** A raw sample the model accepts: each numeric column at its training shift (the mean or minimum), the first category of each text column; zeros otherwise. */
export function exampleInput(m: BundleManifest): Record<string, string | number> | number[] {
  const pre = m.preprocessing;
  if (pre?.kind === 'table' && pre.columns) {
    let j = 0;
    return Object.fromEntries(pre.columns.map((c) => {
      if (c.kind === 'categorical') {
        j += c.categories.length;
        return [c.name, c.categories[0]!];
      }
      const v = pre.normalize ? pre.normalize.shift[j]! : 0;
      j++;
      return [c.name, Number(v.toPrecision(6))];
    }));
  }
  return new Array<number>(m.inputShape.reduce((a, b) => a * b, 1)).fill(0);
}

function describeInput(m: BundleManifest): string {
  const pre = m.preprocessing;
  const shape = `[${m.inputShape.join(', ')}]`;
  if (!pre) return `numbers as the model takes them: ${shape} per sample, no preprocessing stored.`;
  const norm = pre.normalize ? `, then normalised with the training statistics (${pre.normalize.mode})` : '';
  if (pre.kind === 'table') {
    const cols = (pre.columns ?? []).map((c) => (c.kind === 'numeric' ? `\`${c.name}\` (number)` : `\`${c.name}\` (one of ${c.categories.map((x) => `"${x}"`).join(', ')})`));
    return `a table row as an object by column name: ${cols.join(', ')}. Text columns are one-hot encoded${norm}. A row of numbers in feature order (${pre.featureNames.join(', ')}) works too.`;
  }
  if (pre.kind === 'image') return `pixel values 0–255 laid out [channels, height, width] = ${shape} (${pre.image?.channels === 1 ? 'grayscale' : 'RGB'}, ${pre.image?.size ?? '?'}×${pre.image?.size ?? '?'}), divided by 255${norm}.`;
  return `numbers, ${shape} per sample${norm}.`;
}

export function readmeText(m: BundleManifest, sizes: Readonly<Record<string, number>>): string {
  const files = Object.entries(sizes).map(([f, n]) => `| \`${f}\` | ${n.toLocaleString('en-US')} bytes |`).join('\n');
  const example = JSON.stringify(exampleInput(m));
  return `# ${m.name}: a standalone Flowgrad model

Exported from Flowgrad. It predicts from **raw inputs** (the preprocessing the model was trained
with is applied inside) on **WebGPU** where \`navigator.gpu\` gives a real GPU, else on the **CPU**,
in a web page or in Node ≥ 20. It needs nothing else: no Flowgrad, no npm install, no network.

| file | size |
|---|---|
${files}

- \`${RUNTIME_FILE}\`: the runtime, one ES module: Flowgrad's own engine (the same forward as the IDE's)
  and the preprocessing. It imports nothing; under Node it reads files with \`node:fs\`.
- \`model.json\`: the graph, input/output shapes, ${m.classNames ? 'class names, ' : ''}preprocessing, the weight file's name and type.
- \`${m.weights.file}\`: the weights (${m.weights.type}${m.weights.type === 'int8' ? ': int8 per-channel weights and quantized layer inputs, run as Flowgrad simulates them' : ''}; safetensors).
- \`index.html\`: an example page; \`example.mjs\`: the same in Node.

**Task**: ${m.task}. **Input**: ${describeInput(m)}
**Output**: [${m.outputShape.join(', ')}] per sample${m.classNames ? `; classes: ${m.classNames.join(', ')}` : ''}.

## In a web page

Serve this folder with any static server (a module cannot be loaded from \`file://\`), e.g.
\`python3 -m http.server\` or \`npx serve\`, and open \`index.html\`. In your own page:

\`\`\`html
<script type="module">
  import { load } from './${RUNTIME_FILE}';
  const model = await load(); // reads model.json and the weights next to the module
  const p = await model.predict(${example});
  console.log(p.output${m.task === 'classification' ? ', p.label, p.probabilities' : ''});
</script>
\`\`\`

## In Node

\`\`\`sh
node example.mjs
\`\`\`

\`\`\`js
import { load } from './${RUNTIME_FILE}';
const model = await load({ backend: 'cpu' });
console.log(await model.predict(${example}));
\`\`\`

## API

- \`load({ base?, manifest?, weights?, backend?: 'auto' | 'webgpu' | 'cpu', gpu? })\`: reads \`model.json\` and
  the weights from \`base\` (default: this folder), or takes them as \`manifest\` (the parsed JSON) and
  \`weights\` (bytes). \`gpu\` is a WebGPU entry point other than \`navigator.gpu\`.
- \`model.predict(sample)\`, \`model.predictBatch(samples)\`: raw samples → \`{ output${m.task === 'classification' ? ', probabilities, classIndex, label' : ''} }\`.
- \`model.predictImage(image)\` (image models): an \`ImageData\` (\`canvas.getContext('2d').getImageData(...)\`) or any
  \`{ width, height, data }\` of RGBA values, resized to the model's size and made gray or RGB as the training images
  were (alpha is ignored: fill a drawing's background).
- \`model.run(raw, rows)\`: a flat array of \`rows\` raw samples (numbers) → the flat outputs (Float32Array).
- \`model.runPrepared(x, rows)\`: inputs already preprocessed → the flat outputs.
- \`model.backend\` (\`'webgpu'\` or \`'cpu'\`), \`model.inputShape\`, \`model.outputShape\`, \`model.classNames\`, \`model.dispose()\`.
`;
}

export function indexHtml(m: BundleManifest): string {
  const title = m.name.replace(/[<>&"]/g, '');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}: Flowgrad model</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
  textarea { width: 100%; font: 13px ui-monospace, monospace; }
  pre { background: #f4f4f6; padding: .75rem; overflow: auto; }
</style>
</head>
<body>
<h1>${title}</h1>
<p id="info">Loading the model…</p>
<label for="input">Raw input (JSON: ${m.preprocessing?.kind === 'table' ? 'a row by column name' : `${m.inputShape.reduce((a, b) => a * b, 1)} numbers`})</label>
<textarea id="input" rows="6"></textarea>
<p><button id="predict" disabled>Predict</button></p>
<pre id="output"></pre>
<script type="module">
  import { load } from './${RUNTIME_FILE}';
  const $ = (id) => document.getElementById(id);
  const model = await load();
  globalThis.flowgradModel = model;
  $('info').textContent = \`\${model.task}, input [\${model.inputShape}], output [\${model.outputShape}], running on \${model.backend}\`;
  $('input').value = ${JSON.stringify(JSON.stringify(exampleInput(m)))};
  $('predict').disabled = false;
  $('predict').addEventListener('click', async () => {
    try {
      $('output').textContent = JSON.stringify(await model.predict(JSON.parse($('input').value)), null, 2);
    } catch (e) {
      $('output').textContent = \`Error: \${e.message}\`;
    }
  });
</script>
</body>
</html>
`;
}

export function exampleMjs(m: BundleManifest): string {
  return `// node example.mjs: predicts one raw sample with the model in this folder (Node >= 20).
import { load } from './${RUNTIME_FILE}';

const model = await load();
console.log(\`${m.name.replace(/[`$\\]/g, '')} on \${model.backend}\`);
console.log(await model.predict(${JSON.stringify(exampleInput(m))}));
model.dispose();
`;
}
