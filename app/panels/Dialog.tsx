/**
 * A modal dialog on the native <dialog> element: focus is trapped and restored by the
 * browser, Escape closes it (reported through `onClose`), the page behind is inert. The
 * heading names the dialog for assistive technology.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';

interface Props {
  title: string;
  onClose(): void;
  children: ReactNode;
  className?: string;
  /** Buttons shown at the right of the title bar, before Close. */
  actions?: ReactNode;
}

export function Dialog({ title, onClose, children, className, actions }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog ${className ?? ''}`}
      aria-labelledby={id}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose(); // click on the backdrop
      }}
    >
      <header className="dialog-head">
        <h2 id={id}>{title}</h2>
        {actions}
        <button type="button" className="icon" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}
