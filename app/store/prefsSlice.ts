/**
 * How the user likes the IDE: theme, snap to grid, minimap, the code panel and its language,
 * the Model/Train view, plus which dialog is open. Preferences persist in localStorage (they
 * are tiny and must apply before the first paint: the theme); the open dialog does not.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from './index.ts';

export type Theme = 'dark' | 'light';
export type CodeLang = 'typescript' | 'pytorch';
export type View = 'model' | 'train';
export type Dialog = 'help' | 'guide' | 'summary' | 'templates' | 'projects' | 'share' | 'code-consent' | 'evaluate' | 'download' | 'compress' | null;

export interface Prefs {
  theme: Theme;
  snapToGrid: boolean;
  showMinimap: boolean;
  codeOpen: boolean;
  codeLang: CodeLang;
  view: View;
}

export interface PrefsSlice extends Prefs {
  dialog: Dialog;
  /** The templates dialog is showing as the first-visit start screen. */
  welcome: boolean;
  setPref<K extends keyof Prefs>(key: K, value: Prefs[K]): void;
  openDialog(d: Dialog, opts?: { welcome?: boolean }): void;
}

const KEY = 'flowgrad.prefs';
export const DEFAULT_PREFS: Prefs = { theme: 'dark', snapToGrid: false, showMinimap: false, codeOpen: false, codeLang: 'pytorch', view: 'model' };

/** Stored preferences merged over the defaults (unknown or bad values ignored). */
export function loadPrefs(storage: Pick<Storage, 'getItem'> | null = globalThis.localStorage ?? null): Prefs {
  try {
    const raw = JSON.parse(storage?.getItem(KEY) ?? '{}') as Partial<Prefs>;
    const p = { ...DEFAULT_PREFS };
    if (raw.theme === 'light' || raw.theme === 'dark') p.theme = raw.theme;
    if (typeof raw.snapToGrid === 'boolean') p.snapToGrid = raw.snapToGrid;
    if (typeof raw.showMinimap === 'boolean') p.showMinimap = raw.showMinimap;
    if (typeof raw.codeOpen === 'boolean') p.codeOpen = raw.codeOpen;
    if (raw.codeLang === 'typescript' || raw.codeLang === 'pytorch') p.codeLang = raw.codeLang;
    if (raw.view === 'model' || raw.view === 'train') p.view = raw.view;
    return p;
  } catch {
    return { ...DEFAULT_PREFS };
  }
}

function savePrefs(p: Prefs): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(p));
  } catch {
    // Private mode or storage full: preferences are a convenience.
  }
}

export const createPrefsSlice: StateCreator<AppState, [], [], PrefsSlice> = (set, get) => ({
  ...loadPrefs(),
  dialog: null,
  welcome: false,
  setPref(key, value) {
    set({ [key]: value } as Partial<AppState>);
    const s = get();
    savePrefs({ theme: s.theme, snapToGrid: s.snapToGrid, showMinimap: s.showMinimap, codeOpen: s.codeOpen, codeLang: s.codeLang, view: s.view });
  },
  openDialog(d, opts) {
    set({ dialog: d, welcome: opts?.welcome ?? false });
  },
});
