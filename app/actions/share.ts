/**
 * Share a graph by URL: the graph JSON (positions rounded) is deflated with fflate and put in
 * the hash as base64url (`#graph=...`), so nothing leaves the browser until the link is sent,
 * and opening the link loads the graph as a new project. `encodeGraph`/`decodeGraph` are pure.
 */
import { deflateSync, strToU8 } from 'fflate';
import { serializeGraph } from '../../engine/graph/format.ts';
import { decodeGraphLink } from '../../engine/graph/link.ts';
import type { GraphJSON } from '../../engine/graph/types.ts';

export const HASH_KEY = 'graph';

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The graph as a compact URL-safe string. */
export function encodeGraph(graph: GraphJSON): string {
  const g = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, position: { x: Math.round(n.position.x), y: Math.round(n.position.y) } })) };
  return toBase64Url(deflateSync(strToU8(JSON.stringify(JSON.parse(serializeGraph(g)))), { level: 9 }));
}

/**
 * The graph in a string made by encodeGraph. Decoding is capped (engine/graph/link.ts): a
 * damaged or hostile link fails fast with a FlowgradError 'bad-file' saying why.
 */
export function decodeGraph(text: string): GraphJSON {
  return decodeGraphLink(text);
}

/** A link to this page that opens `graph`. */
export function shareUrl(graph: GraphJSON, base = location.href): string {
  const u = new URL(base);
  u.hash = `${HASH_KEY}=${encodeGraph(graph)}`;
  return u.toString();
}

/** The encoded graph in a location hash, or null. */
export function graphFromHash(hash: string): string | null {
  const m = new RegExp(`[#&]${HASH_KEY}=([A-Za-z0-9_-]+)`).exec(hash);
  return m ? m[1]! : null;
}
