/**
 * The IDE layout. Model view: top bar; palette | canvas (+ status bar) | code panel |
 * inspector; the training dock along the bottom. Train view: the same dock grown into the full
 * training dashboard (the canvas stays mounted, hidden, so its viewport survives). Dialogs
 * (templates, projects, share, shortcuts, user guide, model summary, code consent, Evaluate, Download, Compress) float above; keyboard shortcuts, page-level file
 * drops, live Custom Code checks and the theme are installed here.
 */
import { lazy, Suspense, useEffect } from 'react';
import { Canvas } from './canvas/Canvas.tsx';
import { installShortcuts } from './actions/shortcuts.ts';
import { installProjectDrop } from './actions/projectDrop.ts';
import { installCustomCodeChecks } from './actions/customCodeCheck.ts';
import { openFilePicker } from './actions/menuActions.ts';
import { useApp } from './store/index.ts';
import { CodePanel } from './panels/CodePanel.tsx';
import { Dock } from './panels/Dock.tsx';
import { HelpSheet } from './panels/HelpSheet.tsx';
import { Inspector } from './panels/Inspector.tsx';
import { NoticeBar } from './panels/NoticeBar.tsx';
import { Palette } from './panels/Palette.tsx';
import { ProjectsDialog } from './panels/ProjectsDialog.tsx';
import { ShareDialog } from './panels/ShareDialog.tsx';
import { StatusBar } from './panels/StatusBar.tsx';
import { TemplatesDialog } from './panels/TemplatesDialog.tsx';
import { TopBar } from './panels/TopBar.tsx';
import { DataLayer } from './data/DataLayer.tsx';
import { CodeConsentBar, CodeConsentDialog } from './panels/CodeConsentDialog.tsx';
import { EvaluateDialog } from './panels/EvaluateDialog.tsx';
import { DownloadDialog } from './panels/DownloadDialog.tsx';
import { CompressDialog } from './panels/CompressDialog.tsx';
import { SummaryDialog } from './panels/SummaryDialog.tsx';

const GuideDialog = lazy(() => import('./panels/GuideDialog.tsx'));

function Dialogs() {
  const dialog = useApp((s) => s.dialog);
  const welcome = useApp((s) => s.welcome);
  switch (dialog) {
    case 'help':
      return <HelpSheet />;
    case 'templates':
      return <TemplatesDialog welcome={welcome} />;
    case 'projects':
      return <ProjectsDialog onImport={openFilePicker} />;
    case 'share':
      return <ShareDialog />;
    case 'code-consent':
      return <CodeConsentDialog />;
    case 'evaluate':
      return <EvaluateDialog />;
    case 'download':
      return <DownloadDialog />;
    case 'compress':
      return <CompressDialog />;
    case 'summary':
      return <SummaryDialog />;
    case 'guide':
      return (
        <Suspense fallback={null}>
          <GuideDialog />
        </Suspense>
      );
    default:
      return null;
  }
}

export function App() {
  const view = useApp((s) => s.view);
  const codeOpen = useApp((s) => s.codeOpen);
  const theme = useApp((s) => s.theme);

  useEffect(() => installShortcuts(), []);
  useEffect(() => installProjectDrop(), []);
  useEffect(() => installCustomCodeChecks(), []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  return (
    <div className={`app view-${view}${codeOpen ? ' with-code' : ''}`}>
      <TopBar />
      <NoticeBar />
      <Palette />
      <main className="workspace">
        <Canvas />
        <CodeConsentBar />
        <StatusBar />
      </main>
      {codeOpen && view === 'model' && <CodePanel />}
      <Inspector />
      <Dock />
      <Dialogs />
      <DataLayer />
    </div>
  );
}
