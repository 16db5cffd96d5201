/**
 * The playground for text models: type a sentence, see the class probabilities. The text is
 * tokenized with the vocabulary the model was trained with (its stored preprocessing), the
 * ids shown so the user sees what the model reads (`<unk>` for words it never saw).
 */
import { useId, useState } from 'react';
import { encodeTextInput, type Preprocessing } from '../../engine/project/preprocessing.ts';
import { decodeIds } from '../../engine/project/tokenizer.ts';
import { ProbeResult, probe, type Probe } from './Playground.tsx';

export function TextPlayground({ pre, classifier }: { pre: Preprocessing; classifier: boolean }) {
  const [text, setText] = useState('');
  const [result, setResult] = useState<Probe | null>(null);
  const [seen, setSeen] = useState('');
  const id = useId();
  return (
    <form
      className="tabular-playground"
      aria-label="Try the model"
      onSubmit={(e) => {
        e.preventDefault();
        let ids: Float32Array;
        try {
          ids = encodeTextInput(pre, text);
        } catch (err) {
          setResult({ point: [], out: null, error: (err as Error).message });
          return;
        }
        setSeen(decodeIds(ids, pre.text!.vocab, pre.text!.level));
        void probe(Array.from(ids)).then(setResult);
      }}
    >
      <label className="small" htmlFor={id}>Text</label>
      <textarea id={id} rows={2} value={text} placeholder="Type a sentence, e.g. the film was really great" onChange={(e) => setText(e.target.value)} />
      <button type="submit" disabled={text.trim() === ''}>Predict</button>
      {seen && <p className="muted small" aria-label="Tokens the model read">Read as: {seen}</p>}
      <ProbeResult p={result} classifier={classifier} classNames={pre.classNames} at="Predicted" />
    </form>
  );
}
