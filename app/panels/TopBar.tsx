/**
 * The top bar: the project's name; File / Edit / View menus; New, Open and Download at hand;
 * the Model / Train view switch; undo, redo, the code panel, the theme and the shortcut sheet.
 * Every entry calls the same action as its keyboard shortcut (actions/shortcuts.ts).
 */
import { requestDownload, newProject, openProjectFile, currentInt8, currentWeights } from '../actions/projectFiles.ts';
import { exportPytorchProject } from '../actions/exportPytorch.ts';
import { duplicateProject, saveProjectNow } from '../actions/projects.ts';
import { autoLayout } from '../actions/autoLayout.ts';
import { exportOnnxFile } from '../actions/onnxFiles.ts';
import { exportBundleFile } from '../actions/exportBundle.ts';
import { openCompress } from '../actions/compression.ts';
import { copyToSystem, fitView, openFilePicker, pasteFromSystem } from '../actions/menuActions.ts';
import { ungroupSelection } from '../actions/shortcuts.ts';
import { useApp } from '../store/index.ts';
import { Menu, type MenuItem } from './Menu.tsx';

const st = () => useApp.getState();

function fileMenu(hasWeights: boolean, hasModel: boolean, int8: boolean): MenuItem[] {
  return [
    { label: 'New project', onSelect: newProject },
    { label: 'New from template…', onSelect: () => st().openDialog('templates') },
    { label: 'Open…', onSelect: () => st().openDialog('projects'), separator: true },
    { label: 'Save', shortcut: 'Ctrl+S', onSelect: () => void saveProjectNow(true) },
    { label: 'Save as…', onSelect: () => st().openDialog('projects') },
    { label: 'Duplicate project', onSelect: () => void duplicateProject() },
    { label: 'Import .flowgrad.zip…', onSelect: openFilePicker, separator: true },
    { label: hasWeights ? `Download .flowgrad.zip (+ ${int8 ? 'int8 model' : 'weights'})` : 'Download .flowgrad.zip', onSelect: () => void requestDownload() },
    // An int8 model says what each format gets: ONNX and the bundle the int8 model, PyTorch float32.
    { label: int8 ? 'Export ONNX (int8 QDQ)' : 'Export ONNX', onSelect: () => void exportOnnxFile(), disabled: !hasWeights },
    { label: int8 ? 'Export PyTorch project (dequantized float32)' : 'Export PyTorch project', onSelect: () => void exportPytorchProject() },
    { label: int8 ? 'Export standalone bundle (.zip, int8)' : 'Export standalone bundle (.zip)', onSelect: () => void exportBundleFile(), disabled: !hasWeights },
    { label: hasModel ? 'Compress…' : 'Compress… (train the model first)', onSelect: openCompress, disabled: !hasModel },
    { label: 'Share link…', onSelect: () => st().openDialog('share') },
  ];
}

function editMenu(canUndo: boolean, canRedo: boolean, hasSel: boolean): MenuItem[] {
  return [
    { label: 'Undo', shortcut: 'Ctrl+Z', onSelect: () => st().undo(), disabled: !canUndo },
    { label: 'Redo', shortcut: 'Ctrl+Shift+Z', onSelect: () => st().redo(), disabled: !canRedo },
    { label: 'Cut', shortcut: 'Ctrl+X', onSelect: () => copyToSystem(true), disabled: !hasSel, separator: true },
    { label: 'Copy', shortcut: 'Ctrl+C', onSelect: () => copyToSystem(false), disabled: !hasSel },
    { label: 'Paste', shortcut: 'Ctrl+V', onSelect: () => void pasteFromSystem() },
    { label: 'Duplicate', shortcut: 'Ctrl+D', onSelect: () => st().duplicateSelection(), disabled: !hasSel },
    { label: 'Delete', shortcut: 'Del', onSelect: () => st().deleteSelection(), disabled: !hasSel },
    { label: 'Group', shortcut: 'Ctrl+G', onSelect: () => void st().groupSelection(), disabled: !hasSel, separator: true },
    { label: 'Ungroup', shortcut: 'Ctrl+Shift+G', onSelect: ungroupSelection, disabled: !hasSel },
    { label: 'Select all', shortcut: 'Ctrl+A', onSelect: () => st().selectAll(), separator: true },
    { label: 'Auto-layout', shortcut: 'Ctrl+L', onSelect: () => void autoLayout() },
    { label: 'Fit view', shortcut: 'F', onSelect: fitView },
  ];
}

export function TopBar() {
  const name = useApp((s) => s.name);
  const setName = useApp((s) => s.setName);
  const hasWeights = useApp((s) => currentWeights(s) !== null);
  const int8 = useApp((s) => currentInt8(s) !== null);
  const hasModel = useApp((s) => s.model !== null);
  const running = useApp((s) => s.status === 'running' || s.status === 'stopping');
  const canUndo = useApp((s) => s.history.past.length > 0);
  const canRedo = useApp((s) => s.history.future.length > 0);
  const hasSel = useApp((s) => s.selection.nodes.length > 0);
  const view = useApp((s) => s.view);
  const codeOpen = useApp((s) => s.codeOpen);
  const theme = useApp((s) => s.theme);
  const showMinimap = useApp((s) => s.showMinimap);
  const snap = useApp((s) => s.snapToGrid);
  const setPref = useApp((s) => s.setPref);

  const viewMenu: MenuItem[] = [
    { label: view === 'model' ? 'Training dashboard' : 'Model canvas', shortcut: 'T', onSelect: () => setPref('view', view === 'model' ? 'train' : 'model') },
    { label: codeOpen ? 'Hide code' : 'Show code', shortcut: 'C', onSelect: () => setPref('codeOpen', !codeOpen) },
    { label: showMinimap ? 'Hide minimap' : 'Show minimap', shortcut: 'M', onSelect: () => setPref('showMinimap', !showMinimap) },
    { label: snap ? 'Snap to grid: on' : 'Snap to grid: off', shortcut: 'G', onSelect: () => setPref('snapToGrid', !snap) },
    { label: theme === 'dark' ? 'Light theme' : 'Dark theme', onSelect: () => setPref('theme', theme === 'dark' ? 'light' : 'dark'), separator: true },
    { label: 'Model summary', onSelect: () => st().openDialog('summary') },
    { label: 'Keyboard shortcuts', shortcut: '?', onSelect: () => st().openDialog('help'), separator: true },
    { label: 'User guide', onSelect: () => st().openDialog('guide') },
  ];

  return (
    <header className="topbar">
      <div className="brand">
        <img src="/favicon.svg" alt="" width={22} height={22} />
        <span>Flowgrad</span>
      </div>
      <input className="project-name" aria-label="Project name" value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} />
      <nav className="menubar" aria-label="Menus">
        <Menu label="File" items={fileMenu(hasWeights, hasModel, int8)} />
        <Menu label="Edit" items={editMenu(canUndo, canRedo, hasSel)} />
        <Menu label="View" items={viewMenu} />
      </nav>
      <div className="topbar-actions">
        <button type="button" aria-label="New project" onClick={newProject} title="Start over with the starter model">
          New
        </button>
        <button type="button" aria-label="Open project" onClick={() => st().openDialog('projects')} title="Your projects, or import a .flowgrad.zip">
          Open…
        </button>
        <input
          type="file"
          accept=".zip,.flowgrad.zip,.json,application/zip,application/json"
          hidden
          aria-label="Project file"
          data-testid="open-project-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            st().openDialog(null);
            if (f) void openProjectFile(f);
          }}
        />
        <button
          type="button"
          aria-label="Download project"
          onClick={() => void requestDownload()}
          disabled={running}
          title={hasWeights ? 'Download the project (.flowgrad.zip) with its trained weights' : 'Download the project as .flowgrad.zip (graph and settings; train first to include weights)'}
        >
          Download
          {hasWeights && <span className="badge">{int8 ? '+ int8 model' : '+ weights'}</span>}
        </button>
      </div>
      <div className="view-switch" role="group" aria-label="View">
        <button type="button" aria-pressed={view === 'model'} onClick={() => setPref('view', 'model')} title="The model canvas (T)">
          Model
        </button>
        <button type="button" aria-pressed={view === 'train'} onClick={() => setPref('view', 'train')} title="The training dashboard (T)">
          Dashboard
        </button>
      </div>
      <div className="topbar-tools">
        <button type="button" className="tool" aria-label="Undo" title="Undo (Ctrl+Z)" disabled={!canUndo} onClick={() => st().undo()}>
          <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M6 3 2 7l4 4V8h4a3 3 0 0 1 0 6H8v2h2a5 5 0 0 0 0-10H6z" /></svg>
        </button>
        <button type="button" className="tool" aria-label="Redo" title="Redo (Ctrl+Shift+Z)" disabled={!canRedo} onClick={() => st().redo()}>
          <svg viewBox="0 0 16 16" aria-hidden="true"><path d="m10 3 4 4-4 4V8H6a3 3 0 0 0 0 6h2v2H6A5 5 0 0 1 6 6h4z" /></svg>
        </button>
        <button type="button" className="tool" aria-label="Code" aria-pressed={codeOpen} title="Generated code (C)" onClick={() => setPref('codeOpen', !codeOpen)}>
          <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M5.5 4 1.5 8l4 4 1-1-3-3 3-3zm5 0-1 1 3 3-3 3 1 1 4-4z" /></svg>
        </button>
        <button
          type="button"
          className="tool"
          aria-label={theme === 'dark' ? 'Light theme' : 'Dark theme'}
          title="Switch light / dark theme"
          onClick={() => setPref('theme', theme === 'dark' ? 'light' : 'dark')}
        >
          {theme === 'dark' ? (
            <svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="3" /><path d="M7.3 0h1.4v2.5H7.3zM7.3 13.5h1.4V16H7.3zM0 7.3h2.5v1.4H0zM13.5 7.3H16v1.4h-2.5zM2.1 3.1l1-1 1.8 1.8-1 1zM11.1 12.1l1-1 1.8 1.8-1 1zM2.1 12.9l1.8-1.8 1 1-1.8 1.8zM11.1 3.9l1.8-1.8 1 1-1.8 1.8z" /></svg>
          ) : (
            <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M6 1a7 7 0 1 0 9 9A6 6 0 0 1 6 1z" /></svg>
          )}
        </button>
        <button type="button" className="tool" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => st().openDialog('help')}>
          ?
        </button>
      </div>
    </header>
  );
}
