// apt-backports.mjs against temporary apt folders in both source formats, run as .ci/run runs it
// (a child process), so a missing sources.list or an unreadable layout cannot fail CI silently.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, 'apt-backports.mjs');
function aptDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'apt-'));
  mkdirSync(join(dir, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
const run = (dir: string) => spawnSync(process.execPath, [script, dir], { encoding: 'utf8' });

const DEB822 = `Types: deb
# http://snapshot.example/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe('apt-backports', () => {
  it('deb822 only (no sources.list at all): the line from the bookworm stanza, with its keyring', () => {
    const r = run(aptDir({ 'sources.list.d/debian.sources': DEB822, 'sources.list.d/other.sources.disabled': 'Types: deb\nURIs: http://x/\nSuites: bookworm-backports\n' }));
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.example/debian bookworm-backports main');
  });

  it('classic sources.list: the line from the bookworm entry, comments and deb-src ignored', () => {
    const r = run(aptDir({ 'sources.list': '# deb http://old.example/debian bookworm main\ndeb-src http://src.example/debian bookworm main\ndeb http://classic.example/debian/ bookworm main contrib\ndeb http://classic.example/debian-security bookworm-security main\n' }));
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('deb http://classic.example/debian/ bookworm-backports main');
  });

  it('nothing to add when backports is already configured (either format)', () => {
    expect(run(aptDir({ 'sources.list': 'deb http://a/debian bookworm main\n', 'sources.list.d/bp.list': 'deb http://a/debian bookworm-backports main\n' })).stdout).toBe('');
    expect(run(aptDir({ 'sources.list.d/debian.sources': DEB822.replace('bookworm bookworm-updates', 'bookworm bookworm-backports') })).stdout).toBe('');
  });

  it('a disabled stanza is not a mirror; no mirror at all exits 1 with the reason', () => {
    const r = run(aptDir({ 'sources.list.d/debian.sources': DEB822.replace('Types: deb\n#', 'Types: deb\nEnabled: no\n#') }));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no source for the bookworm suite/);
    const empty = spawnSync(process.execPath, [script, join(tmpdir(), 'no-such-apt-dir')], { encoding: 'utf8' });
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/no source for the bookworm suite/);
  });
});
