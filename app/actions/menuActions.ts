/**
 * What the menus do, in one place: each entry calls the same store verb or action as its
 * keyboard shortcut. Clipboard entries use the async Clipboard API when the browser allows
 * it and the tab's own clipboard otherwise.
 */
import { parseClipboard } from '../commands/clipboard.ts';
import { canvasBridge, placeNewNode } from '../canvas/bridge.ts';
import { useApp } from '../store/index.ts';

const st = () => useApp.getState();

export function openFilePicker(): void {
  document.querySelector<HTMLInputElement>('[data-testid="open-project-input"]')?.click();
}

export function copyToSystem(cut = false): void {
  const payload = cut ? st().cutSelection() : st().copySelection();
  if (payload) void navigator.clipboard?.writeText(JSON.stringify(payload)).catch(() => {});
}

export async function pasteFromSystem(): Promise<void> {
  let text = '';
  try {
    text = (await navigator.clipboard?.readText()) ?? '';
  } catch {
    // Permission refused: fall back to what was copied in this tab.
  }
  const payload = text ? parseClipboard(text) : null;
  const s = st();
  if (payload && !payload.nodes.every((n) => s.graph.nodes.some((m) => m.id === n.id))) {
    s.paste(payload, { at: placeNewNode(s.graph.nodes.map((n) => n.position)) });
  } else s.paste(payload);
}

export function fitView(): void {
  canvasBridge.fitView?.();
}
