// Makes sure Debian's Chromium is there for the browser tests. Playwright never downloads a
// browser here: it drives the system's /usr/bin/chromium (or $CHROMIUM_PATH).
import { existsSync } from 'node:fs';
import { execSync } from 'node:child_process';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && !process.env.CHROMIUM_PATH) {
  console.log('Chromium is missing: installing Debian\'s chromium package (apt-get)…');
  execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
  if (existsSync(path)) process.exit(0);
}
console.error(`Chromium not found at ${path}.
The browser tests use Debian's chromium package. Install it with:
  sudo apt-get update && sudo apt-get install -y chromium
or point CHROMIUM_PATH at a Chromium/Chrome binary.`);
process.exit(1);
