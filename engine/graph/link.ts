/**
 * Decoding a shared graph link (`#graph=...`: base64url of the deflated graph JSON; the app
 * writes it in app/actions/share.ts). A link is untrusted input that opens by itself on page
 * load, so every step is capped before it allocates: the text length, the inflated bytes
 * (counted while inflating, so a small link cannot become gigabytes), the JSON nesting, and
 * the node and edge counts. Every failure is a FlowgradError 'bad-file' saying what is
 * wrong with the link.
 */
import { strFromU8 } from 'fflate';
import { FlowgradError, isFlowgradError } from '../core/errors.ts';
import { LIMITS, fmtBytes, fmtCount, tooBig } from '../core/limits.ts';
import { inflateCapped } from '../bytes/inflate.ts';
import { parseGraph } from './format.ts';
import type { GraphJSON } from './types.ts';

/** Messages start so; the app shows them after "Could not open the shared link: ". */
const PREFIX = 'the link';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;
// Standard base64 too, in case a link was re-encoded on the way.
B64_INDEX['+'.charCodeAt(0)] = 62;
B64_INDEX['/'.charCodeAt(0)] = 63;

/** base64url (padding optional) to bytes; null when a character is not base64. */
export function fromBase64Url(text: string): Uint8Array | null {
  const t = text.replace(/=+$/, '');
  if (t.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((t.length * 3) / 4));
  let o = 0, acc = 0, bits = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    const v = c < 128 ? B64_INDEX[c]! : -1;
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

function fail(why: string): FlowgradError {
  return new FlowgradError('bad-file', `${PREFIX} ${why}`);
}

/** The graph in a `#graph=` link; a FlowgradError 'bad-file' for anything else. */
export function decodeGraphLink(text: string): GraphJSON {
  if (text.length > LIMITS.linkChars) {
    throw tooBig(`${PREFIX} is`, `${fmtCount(text.length)} characters long`, fmtCount(LIMITS.linkChars), 'Share the model as a project file instead.');
  }
  const bytes = fromBase64Url(text);
  if (!bytes || bytes.length === 0) throw fail('is incomplete or damaged (not base64url text); copy the whole link again');
  let json: string;
  try {
    json = strFromU8(inflateCapped(bytes, 'deflate', { max: LIMITS.linkJsonBytes, what: `${PREFIX}'s graph`, advice: 'Share the model as a project file instead.' }));
  } catch (e) {
    if (isFlowgradError(e) && /; the limit is /.test(e.message)) throw e; // over the cap: say so
    throw fail('is incomplete or damaged; copy the whole link again');
  }
  const graph = parseGraph(json);
  if (graph.nodes.length > LIMITS.linkNodes || graph.edges.length > LIMITS.linkEdges) {
    throw tooBig(`${PREFIX}'s graph has`, `${fmtCount(graph.nodes.length)} nodes and ${fmtCount(graph.edges.length)} connections`,
      `${fmtCount(LIMITS.linkNodes)} nodes and ${fmtCount(LIMITS.linkEdges)} connections (${fmtBytes(LIMITS.linkJsonBytes)})`, 'Share the model as a project file instead.');
  }
  return graph;
}
