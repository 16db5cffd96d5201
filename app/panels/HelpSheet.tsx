/** The help sheet (`?`): a way into the user guide, and the shortcuts — the same table the key handler uses, grouped. */
import { SHORTCUTS } from '../actions/shortcuts.ts';
import { useApp } from '../store/index.ts';
import { Dialog } from './Dialog.tsx';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const show = (k: string) => (isMac && k === 'Ctrl' ? '⌘' : k);

export function HelpSheet() {
  const close = () => useApp.getState().openDialog(null);
  const groups = [...new Set(SHORTCUTS.map((s) => s.group))];
  return (
    <Dialog title="Keyboard shortcuts" onClose={close} className="help-sheet">
      <p className="help-guide">
        New here? The{' '}
        <button type="button" className="link" onClick={() => useApp.getState().openDialog('guide')}>
          user guide
        </button>{' '}
        walks through building, training and exporting a model.
      </p>
      <div className="help-grid">
        {groups.map((g) => (
          <section key={g} aria-label={g}>
            <h3>{g}</h3>
            <dl>
              {SHORTCUTS.filter((s) => s.group === g).map((s) => (
                <div key={s.label} className="help-row">
                  <dt>
                    {s.keys.map((k) => (
                      <kbd key={k}>{show(k)}</kbd>
                    ))}
                  </dt>
                  <dd>{s.label}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
