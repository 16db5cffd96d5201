// Which apt line adds bookworm-backports (for Mesa 25's lavapipe, see f16-driver.mjs), built from
// the mirror the machine already uses for bookworm, so no host name is committed. Reads both
// source formats apt reads: one-line `*.list` files (and sources.list) and deb822 `*.sources`
// stanzas; a missing file or folder is simply absent, never an error (a fresh Debian 12 has
// only sources.list.d/debian.sources).
//
//   node scripts/apt-backports.mjs [APT_DIR]   (APT_DIR defaults to /etc/apt)
// prints nothing and exits 0 when bookworm-backports is already configured; prints the line
// to add (`deb [signed-by=…] URI bookworm-backports main`) and exits 0 when a mirror is found;
// says why on stderr and exits 1 otherwise.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every enabled deb source in APT_DIR: { uris, suites, components, signedBy }. */
export function readSources(aptDir) {
  const files = [];
  const main = join(aptDir, 'sources.list');
  if (existsSync(main) && statSync(main).isFile()) files.push(main);
  const dir = join(aptDir, 'sources.list.d');
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    for (const name of readdirSync(dir).sort()) if (name.endsWith('.list') || name.endsWith('.sources')) files.push(join(dir, name));
  }
  return files.flatMap((f) => (f.endsWith('.sources') ? parseDeb822(readFileSync(f, 'utf8')) : parseOneLine(readFileSync(f, 'utf8'))));
}

/** `deb [opts] URI SUITE COMPONENT...` lines; comments and deb-src skipped. */
export function parseOneLine(text) {
  const out = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)(.*)$/.exec(line);
    if (!m) continue;
    const signed = /signed-by=(\S+)/.exec(m[1] ?? '');
    out.push({ uris: [m[2]], suites: [m[3]], components: m[4].trim().split(/\s+/).filter(Boolean), signedBy: signed?.[1] });
  }
  return out;
}

/** deb822 stanzas separated by blank lines; `Enabled: no` and non-deb types skipped. */
export function parseDeb822(text) {
  const out = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = {};
    let last = null;
    for (const raw of stanza.split('\n')) {
      if (raw.startsWith('#')) continue;
      if (/^\s/.test(raw) && last) {
        fields[last] += ' ' + raw.trim(); // continuation line
        continue;
      }
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(raw);
      if (m) fields[(last = m[1].toLowerCase())] = m[2].trim();
    }
    const words = (k) => (fields[k] ?? '').split(/\s+/).filter(Boolean);
    if (!words('types').includes('deb') || (fields.enabled ?? 'yes').toLowerCase() === 'no') continue;
    out.push({ uris: words('uris'), suites: words('suites'), components: words('components'), signedBy: fields['signed-by'] });
  }
  return out;
}

/** The line to add, or '' when backports is already there; throws when no bookworm mirror is found. */
export function backportsLine(aptDir) {
  const sources = readSources(aptDir);
  if (sources.some((s) => s.suites.includes('bookworm-backports'))) return '';
  const base = sources.find((s) => s.suites.includes('bookworm') && s.uris.length > 0);
  if (!base) throw new Error(`no source for the bookworm suite in ${aptDir}/sources.list or ${aptDir}/sources.list.d/ to add bookworm-backports from`);
  // A keyring path from deb822 is not a URL; one-line options cannot hold spaces, so only a plain path travels.
  const opts = base.signedBy && /^\/\S+$/.test(base.signedBy) ? `[signed-by=${base.signedBy}] ` : '';
  return `deb ${opts}${base.uris[0]} bookworm-backports main`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const line = backportsLine(process.argv[2] ?? '/etc/apt');
    if (line) console.log(line);
  } catch (e) {
    console.error(`apt-backports: ${e.message}`);
    process.exit(1);
  }
}
