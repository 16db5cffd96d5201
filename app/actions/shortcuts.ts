/**
 * Keyboard shortcuts: one table that both the key handler and the help sheet (`?`) read, so
 * what the sheet says is what the keys do. Every entry calls the same store verb as the
 * matching button or menu item. Keys are ignored while typing in a field or the code editor.
 * Copy/cut/paste use the browser's clipboard events, so a copied selection is plain JSON
 * text on the system clipboard and pastes into another tab or project.
 */
import { parseClipboard } from '../commands/clipboard.ts';
import { groupOfNode, selectedGroup } from '../commands/groups.ts';
import { canvasBridge, placeNewNode } from '../canvas/bridge.ts';
import { useApp } from '../store/index.ts';
import { autoLayout } from './autoLayout.ts';
import { saveProjectNow } from './projects.ts';

/** Ungroups the group the selection stands for (or the one its single layer is in). */
export function ungroupSelection(): void {
  const s = st();
  const g = selectedGroup(s.graph, s.selection.nodes) ?? (s.selection.nodes.length === 1 ? groupOfNode(s.graph, s.selection.nodes[0]!) : undefined);
  if (g) s.ungroup(g.id);
}

export interface Shortcut {
  keys: string[];
  label: string;
  group: 'Edit' | 'Canvas' | 'View' | 'Project';
  match(e: KeyboardEvent): boolean;
  run(e: KeyboardEvent): void;
}

const mod = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;
const key = (e: KeyboardEvent, k: string) => e.key.toLowerCase() === k;
const plain = (e: KeyboardEvent) => !e.ctrlKey && !e.metaKey && !e.altKey;
const st = () => useApp.getState();

const nudge = (dx: number, dy: number) => (e: KeyboardEvent) => {
  const step = e.shiftKey ? 50 : 10;
  st().nudgeSelection(dx * step, dy * step);
};

export const SHORTCUTS: Shortcut[] = [
  { keys: ['Ctrl', 'Z'], label: 'Undo', group: 'Edit', match: (e) => mod(e) && !e.shiftKey && key(e, 'z'), run: () => st().undo() },
  { keys: ['Ctrl', 'Shift', 'Z'], label: 'Redo (also Ctrl+Y)', group: 'Edit', match: (e) => mod(e) && ((e.shiftKey && key(e, 'z')) || key(e, 'y')), run: () => st().redo() },
  { keys: ['Ctrl', 'C'], label: 'Copy the selected layers', group: 'Edit', match: () => false, run: () => {} },
  { keys: ['Ctrl', 'X'], label: 'Cut', group: 'Edit', match: () => false, run: () => {} },
  { keys: ['Ctrl', 'V'], label: 'Paste (also from another tab or project)', group: 'Edit', match: () => false, run: () => {} },
  { keys: ['Ctrl', 'D'], label: 'Duplicate', group: 'Edit', match: (e) => mod(e) && key(e, 'd'), run: () => st().duplicateSelection() },
  { keys: ['Ctrl', 'G'], label: 'Group the selected layers into a block', group: 'Edit', match: (e) => mod(e) && !e.shiftKey && key(e, 'g'), run: () => void st().groupSelection() },
  { keys: ['Ctrl', 'Shift', 'G'], label: 'Ungroup the selected block', group: 'Edit', match: (e) => mod(e) && e.shiftKey && key(e, 'g'), run: () => ungroupSelection() },
  { keys: ['Ctrl', 'A'], label: 'Select all', group: 'Edit', match: (e) => mod(e) && key(e, 'a'), run: () => st().selectAll() },
  { keys: ['Delete'], label: 'Delete the selection (also Backspace)', group: 'Edit', match: () => false, run: () => {} },
  { keys: ['Esc'], label: 'Clear the selection / close a dialog', group: 'Edit', match: (e) => e.key === 'Escape', run: () => (st().dialog ? st().openDialog(null) : st().select({ nodes: [], edges: [] })) },
  { keys: ['←', '↑', '→', '↓'], label: 'Move the selection (Shift: further)', group: 'Canvas', match: (e) => plain(e) && e.key.startsWith('Arrow') && st().selection.nodes.length > 0, run: (e) => nudge(e.key === 'ArrowLeft' ? -1 : e.key === 'ArrowRight' ? 1 : 0, e.key === 'ArrowUp' ? -1 : e.key === 'ArrowDown' ? 1 : 0)(e) },
  { keys: ['Shift', 'drag'], label: 'Box-select (Shift+click adds to the selection)', group: 'Canvas', match: () => false, run: () => {} },
  { keys: ['F'], label: 'Fit the model in view', group: 'Canvas', match: (e) => plain(e) && !e.shiftKey && key(e, 'f'), run: () => canvasBridge.fitView?.() },
  { keys: ['Ctrl', 'L'], label: 'Auto-layout', group: 'Canvas', match: (e) => mod(e) && key(e, 'l'), run: () => void autoLayout() },
  { keys: ['/'], label: 'Search layers (Enter adds the first match)', group: 'Canvas', match: (e) => plain(e) && e.key === '/', run: () => document.querySelector<HTMLInputElement>('input[aria-label="Search layers"]')?.focus() },
  { keys: ['G'], label: 'Snap to grid on / off', group: 'View', match: (e) => plain(e) && !e.shiftKey && key(e, 'g'), run: () => st().setPref('snapToGrid', !st().snapToGrid) },
  { keys: ['M'], label: 'Minimap on / off', group: 'View', match: (e) => plain(e) && !e.shiftKey && key(e, 'm'), run: () => st().setPref('showMinimap', !st().showMinimap) },
  { keys: ['C'], label: 'Code panel on / off', group: 'View', match: (e) => plain(e) && !e.shiftKey && key(e, 'c'), run: () => st().setPref('codeOpen', !st().codeOpen) },
  { keys: ['T'], label: 'Switch Model / Train view', group: 'View', match: (e) => plain(e) && !e.shiftKey && key(e, 't'), run: () => st().setPref('view', st().view === 'model' ? 'train' : 'model') },
  { keys: ['?'], label: 'This help', group: 'View', match: (e) => e.key === '?', run: () => st().openDialog(st().dialog === 'help' ? null : 'help') },
  { keys: ['Ctrl', 'S'], label: 'Save the project', group: 'Project', match: (e) => mod(e) && !e.shiftKey && key(e, 's'), run: () => void saveProjectNow(true) },
];

/** True when keys belong to a text field, a select or the code editor rather than the canvas. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  if (el.closest('input, textarea, select, [contenteditable="true"], .monaco-editor')) {
    const input = el as HTMLInputElement;
    // Checkboxes and buttons-like inputs do not take text.
    return !(input.tagName === 'INPUT' && ['checkbox', 'radio', 'range', 'button'].includes(input.type));
  }
  return false;
}

/** Writes the copied selection as JSON text onto the clipboard event (works without permissions). */
function onCopy(e: ClipboardEvent, cut: boolean): void {
  if (isTyping(e.target) || (window.getSelection()?.toString() ?? '') !== '') return;
  const payload = cut ? st().cutSelection() : st().copySelection();
  if (!payload || !e.clipboardData) return;
  e.clipboardData.setData('text/plain', JSON.stringify(payload));
  e.preventDefault();
}

function onPaste(e: ClipboardEvent): void {
  if (isTyping(e.target)) return;
  const text = e.clipboardData?.getData('text/plain') ?? '';
  const payload = text ? parseClipboard(text) : null;
  if (!payload && !st().clipboard) return;
  e.preventDefault();
  const s = st();
  const fromHere = payload && payload.nodes.every((n) => s.graph.nodes.some((m) => m.id === n.id));
  if (payload && !fromHere) s.paste(payload, { at: placeNewNode(s.graph.nodes.map((n) => n.position)) });
  else s.paste(payload);
}

/** Installs the key handler and clipboard listeners; returns the uninstaller. */
export function installShortcuts(): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || isTyping(e.target)) return;
    // While a dialog is open only Escape and ? act.
    if (st().dialog && e.key !== 'Escape' && e.key !== '?') return;
    const s = SHORTCUTS.find((x) => x.match(e));
    if (!s) return;
    e.preventDefault();
    s.run(e);
  };
  const copy = (e: ClipboardEvent) => onCopy(e, false);
  const cut = (e: ClipboardEvent) => onCopy(e, true);
  window.addEventListener('keydown', onKey);
  document.addEventListener('copy', copy);
  document.addEventListener('cut', cut);
  document.addEventListener('paste', onPaste);
  return () => {
    window.removeEventListener('keydown', onKey);
    document.removeEventListener('copy', copy);
    document.removeEventListener('cut', cut);
    document.removeEventListener('paste', onPaste);
  };
}
