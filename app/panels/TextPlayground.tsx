/**
 * The playground for text models: type a sentence, see the class probabilities. The text is
 * tokenized with the vocabulary the model was trained with (its stored preprocessing), the
 * ids shown so the user sees what the model reads (`<unk>` for words it never saw).
 */
import { useId, useState } from 'react';
import { encodeTextInput, type Preprocessing } from '../../engine/project/preprocessing.ts';
import { decodeIds } from '../../engine/project/tokenizer.ts';
import { ProbeResult, useProbeForm } from './Playground.tsx';

export function TextPlayground({ pre, classifier }: { pre: Preprocessing; classifier: boolean }) {
  const [text, setText] = useState('');
  const [seen, setSeen] = useState('');
  const { result, onSubmit } = useProbeForm(() => {
    const ids = encodeTextInput(pre, text);
    setSeen(decodeIds(ids, pre.text!.vocab, pre.text!.level));
    return ids;
  });
  const id = useId();
  return (
    <form className="tabular-playground" aria-label="Try the model" onSubmit={onSubmit}>
      <label className="small" htmlFor={id}>Text</label>
      <textarea id={id} rows={2} value={text} placeholder="Type a sentence, e.g. the film was really great" onChange={(e) => setText(e.target.value)} />
      <button type="submit" disabled={text.trim() === ''}>Predict</button>
      {seen && <p className="muted small" aria-label="Tokens the model read">Read as: {seen}</p>}
      <ProbeResult p={result} classifier={classifier} classNames={pre.classNames} at="Predicted" />
    </form>
  );
}
