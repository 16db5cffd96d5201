// The generated token-classification set ('tagging': noun / verb / other per word): the tags
// line up with the words and the ids, ambiguous words carry both tags by context, the data fit
// check asks for a [N, 12, 3] prediction, and the documented model (Embedding → LSTM with
// return sequences → Dense 3, per-token cross-entropy) trains through fit on the built-in
// spec to ≥ 95% validation accuracy over every token and over the real (non-padding) words,
// above what a word-by-word lookup (each word's most frequent tag) reaches.
import { describe, expect, it } from 'vitest';
import { makeBuiltin, builtinInfo, BUILTINS } from './builtin.ts';
import { TAGGING_LENGTH, TAGGING_VOCAB, TAG_CLASSES, taggedSentences, taggingIds } from './tagging.ts';
import { PAD_ID, UNK_ID, tokenize } from '../project/tokenizer.ts';
import { GraphBuilder } from '../templates/build.ts';
import { analyzeGraph } from '../graph/analyze.ts';
import { dataFitIssues } from '../graph/dataFit.ts';
import { GraphModel } from '../train/graphModel.ts';
import { fit } from '../train/fit.ts';
import { loadData } from '../train/session.ts';
import { manualSeed, tensor } from '../ops/creation.ts';
import { noGrad } from '../autograd/mode.ts';
import type { GraphJSON } from '../graph/types.ts';
import type { TrainConfig } from '../project/config.ts';
import { evaluateReport } from '../train/evaluation.ts';

/** The documented token tagger: ids [12] → Embedding → LSTM (every step) → Dense 3 per token → cross-entropy. */
function tagger(): GraphJSON {
  const g = new GraphBuilder();
  g.chain(null, ['input', 'Input', { shape: [TAGGING_LENGTH] }], ['embed', 'Embedding', { numEmbeddings: TAGGING_VOCAB.length, embeddingDim: 16 }],
    ['lstm', 'LSTM', { hiddenSize: 32, returnSequences: true }], ['tags', 'Dense', { units: TAG_CLASSES.length }], ['loss', 'Loss', { loss: 'crossEntropy' }]);
  return g.build();
}

describe('token classification: the generated tagging set', () => {
  it('tags every word (padding "other"), encodes every word, and tags ambiguous words by context', () => {
    const set = taggedSentences(400, 0.5, 3);
    const ids = taggingIds(set);
    const seen = new Map<string, Set<number>>();
    for (let r = 0; r < 400; r++) {
      const words = tokenize(set.texts[r]!, { level: 'word', lowercase: true });
      expect(words.length).toBeLessThanOrEqual(TAGGING_LENGTH);
      for (let i = 0; i < TAGGING_LENGTH; i++) {
        const id = ids[r * TAGGING_LENGTH + i]!, tag = set.tags[r * TAGGING_LENGTH + i]!;
        if (i >= words.length) {
          expect([id, tag]).toEqual([PAD_ID, 0]);
          continue;
        }
        expect(id).not.toBe(UNK_ID);
        expect(TAGGING_VOCAB[id]).toBe(words[i]);
        if (!seen.has(words[i]!)) seen.set(words[i]!, new Set());
        seen.get(words[i]!)!.add(tag);
      }
    }
    for (const w of ['watch', 'play', 'cook']) expect([...seen.get(w)!].sort(), w).toEqual([1, 2]);
    expect([...seen.get('the')!]).toEqual([0]);
    // Seeded: the same spec gives the same rows.
    expect(taggedSentences(5, 0.5, 3).texts).toEqual(set.texts.slice(0, 5));
  });

  it('is a built-in with per-token labels; the fit check wants [N, 12, 3]', () => {
    const info = builtinInfo('tagging')!;
    expect(BUILTINS).toContain(info);
    expect(info.signature).toEqual({ sampleShape: [TAGGING_LENGTH], classes: 3, vocabSize: TAGGING_VOCAB.length, labelsPerSample: TAGGING_LENGTH });
    const d = makeBuiltin('tagging', { samples: 10, noise: 0.5, seed: 1 });
    expect(d.y.length).toBe(10 * TAGGING_LENGTH);
    expect(d.text!.tagged![0]).toMatch(/^\w+\/other /);
    const good = tagger();
    expect(dataFitIssues(good, analyzeGraph(good), info.signature)).toEqual([]);
    // One label per sentence (the LSTM's last state) cannot be trained on per-token labels: said on the loss.
    const last = { ...good, nodes: good.nodes.map((n) => (n.id === 'lstm' ? { ...n, attrs: { ...n.attrs, returnSequences: false } } : n)) };
    const issues = dataFitIssues(last, analyzeGraph(last), info.signature);
    expect(issues.map((i) => i.nodeId)).toEqual(['loss']);
    expect(issues[0]!.message).toMatch(/labels every token \(12 labels per sample\).*\[N, 12, 3\]/);
  });

  it('the documented tagger trains to ≥ 95% validation accuracy (every token, and the real words alone)', async () => {
    manualSeed(1);
    const cfg: TrainConfig = { optimizer: 'adam', lr: 0.01, batchSize: 32, epochs: 6, seed: 1, validationSplit: 0.25 };
    const data = await loadData({ kind: 'builtin', name: 'tagging', samples: 800, noise: 0.5, seed: 7 }, cfg);
    expect(data.train.y.length).toBe(data.train.rows * TAGGING_LENGTH);
    const model = new GraphModel(tagger());
    const result = await fit(model, data.train, data.val, cfg);
    const val = data.val!;
    const scores = noGrad(() => model.forward(tensor(val.x, { shape: [val.rows, TAGGING_LENGTH] })).dataSync());
    let hits = 0, words = 0;
    for (let t = 0; t < val.rows * TAGGING_LENGTH; t++) {
      if (val.x[t] === PAD_ID) continue;
      const s = scores.subarray(t * 3, t * 3 + 3);
      const guess = s.indexOf(Math.max(...s));
      words++;
      if (guess === val.y[t]) hits++;
    }
    model.dispose();
    // The best a model without context can do: each word's most frequent tag in the training rows.
    const counts = new Map<number, number[]>();
    data.train.x.forEach((id, t) => {
      if (id === PAD_ID) return;
      if (!counts.has(id)) counts.set(id, [0, 0, 0]);
      counts.get(id)![data.train.y[t]!]!++;
    });
    let lookup = 0;
    val.x.forEach((id, t) => {
      if (id === PAD_ID) return;
      const c = counts.get(id) ?? [1, 0, 0];
      if (c.indexOf(Math.max(...c)) === val.y[t]) lookup++;
    });
    console.log(`tagging: validation accuracy ${result.last!.valAccuracy!.toFixed(4)} over every token, ${(hits / words).toFixed(4)} over ${words} words (a word-by-word lookup: ${(lookup / words).toFixed(4)}); val loss ${result.last!.valLoss!.toFixed(4)}`);
    expect(result.last!.valAccuracy!).toBeGreaterThanOrEqual(0.95);
    expect(hits / words).toBeGreaterThanOrEqual(0.95);
    // The ambiguous words need their context: the model beats the lookup.
    expect(lookup / words).toBeLessThan(0.97);
    expect(hits).toBeGreaterThan(lookup);
  }, 120_000);

  it('evaluation counts tokens, and a worst-classified token points at its sentence', async () => {
    manualSeed(2);
    const cfg: TrainConfig = { optimizer: 'adam', lr: 0.01, batchSize: 32, epochs: 1, seed: 1, validationSplit: 0.25 };
    const data = await loadData({ kind: 'builtin', name: 'tagging', samples: 80, noise: 0.5, seed: 7 }, cfg);
    const model = new GraphModel(tagger());
    const report = await evaluateReport(model, data.val!, cfg);
    model.dispose();
    if (report.task !== 'classification') throw new Error('a classification report was expected');
    expect(report.rows).toBe(data.val!.rows * TAGGING_LENGTH);
    expect(report.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(report.rows);
    expect(report.worst!.length).toBeGreaterThan(0);
    for (const w of report.worst!) expect(w.index).toBeLessThan(data.val!.rows);
  });
});
