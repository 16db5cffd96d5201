/**
 * Consent for code that arrived from elsewhere: the bar over the canvas says the project holds
 * Custom Code that has not run, and the dialog shows each such node's code in full, with what
 * running it means, and "Allow and run" / "Not now". Nothing runs before the user says yes;
 * saying yes trusts exactly the code shown (codeTrust.ts), remembered in this browser.
 */
import { approveCode, useUntrustedNodes, type UntrustedNode } from '../actions/codeTrust.ts';
import { useApp } from '../store/index.ts';
import { Dialog } from './Dialog.tsx';
import './codeConsent.css';

const nodesText = (n: readonly UntrustedNode[]) => (n.length === 1 ? `node ‘${n[0]!.id}’` : `${n.length} nodes`);

/** Over the canvas while the graph holds code that may not run yet. */
export function CodeConsentBar() {
  const untrusted = useUntrustedNodes();
  if (untrusted.length === 0) return null;
  return (
    <div className="code-consent-bar" role="region" aria-label="Code not run">
      <span>
        <strong>Code not run.</strong> This project holds Custom Code written elsewhere ({nodesText(untrusted)}). It stays inert until you read it and allow it.
      </span>
      <button type="button" className="primary" onClick={() => useApp.getState().openDialog('code-consent')}>
        Review code…
      </button>
    </div>
  );
}

export function CodeConsentDialog() {
  const untrusted = useUntrustedNodes();
  const close = () => useApp.getState().openDialog(null);
  return (
    <Dialog title="Review Custom Code before it runs" onClose={close} className="code-consent-dialog">
      {untrusted.length === 0 ? (
        <p>All Custom Code in this project may run.</p>
      ) : (
        <>
          <p className="code-consent-why">
            This code came from a link or a file, not from this browser. If you allow it, it runs when the graph is checked and trained — in a sandbox without
            access to your saved projects, datasets or the network, stopped if it runs too long. It can still make results wrong: allow it only if you understand
            it or trust who sent it.
          </p>
          {untrusted.map((n) => (
            <section key={n.id} className="code-consent-node" aria-label={`Code of ${n.id}`}>
              <h3>Custom Code · {n.id}</h3>
              <pre className="code-consent-code" tabIndex={0}>
                {n.code || '(empty)'}
              </pre>
            </section>
          ))}
        </>
      )}
      <div className="dialog-foot">
        <span className="muted small">Editing the code yourself also allows it.</span>
        <span className="row">
          <button type="button" onClick={close}>
            Not now
          </button>
          {untrusted.length > 0 && (
            <button
              type="button"
              className="primary"
              onClick={() => {
                approveCode(untrusted.map((n) => n.code));
                close();
              }}
            >
              Allow and run
            </button>
          )}
        </span>
      </div>
    </Dialog>
  );
}
