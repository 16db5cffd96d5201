/** The one dismissible notice (errors as role="alert", info as role="status"). */
import { undoReplace } from '../actions/projectFiles.ts';
import { useApp } from '../store/index.ts';

export function NoticeBar() {
  const notice = useApp((s) => s.notice);
  const dismiss = useApp((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div className={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} key={notice.id}>
      <span>{notice.text}</span>
      {notice.undo && (
        <button type="button" className="link" onClick={() => undoReplace(notice.undo!)}>
          Undo
        </button>
      )}
      <button type="button" className="icon" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </div>
  );
}
