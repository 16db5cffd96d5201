import { describe, expect, it } from 'vitest';
import { gzipSync, strToU8, unzipSync, zipSync, zlibSync } from 'fflate';
import { inflateCapped } from './inflate.ts';
import { listZip, readZip } from './zip.ts';
import { badFile } from '../test/throws.ts';

const files = {
  'a.txt': strToU8('hello '.repeat(1000)),
  'dir/ünï.bin': Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) & 255),
  'stored.bin': [Uint8Array.from({ length: 300 }, (_, i) => i & 255), { level: 0 }] as [Uint8Array, { level: 0 }],
  'empty.txt': new Uint8Array(0),
};

describe('readZip', () => {
  it('reads what fflate writes exactly as unzipSync does', () => {
    const zip = zipSync(files);
    const got = readZip(zip, { what: 'z.zip', maxEntry: () => 1 << 20, maxTotal: 1 << 20 });
    expect({ ...got }).toEqual(unzipSync(zip));
    expect(listZip(zip, 'z.zip').map((e) => [e.name, e.method])).toEqual([['a.txt', 8], ['dir/ünï.bin', 8], ['stored.bin', 0], ['empty.txt', 8]]);
  });

  it('inflates only what the filter keeps, and counts real bytes against the caps', () => {
    const zip = zipSync(files);
    expect(Object.keys(readZip(zip, { what: 'z', filter: (e) => e.name.endsWith('.txt'), maxEntry: () => 6000, maxTotal: 6000 }))).toEqual(['a.txt', 'empty.txt']);
    expect(badFile(() => readZip(zip, { what: 'z', maxEntry: () => 5999, maxTotal: 1e6 }))).toMatch(/^z\/a\.txt is 5.86 KB; the limit is 5.86 KB/);
    expect(badFile(() => readZip(zip, { what: 'z', maxEntry: () => 1e6, maxTotal: 8000 }))).toMatch(/^z unpacks to more than 7.81 KB; the limit is 7.81 KB/);
  });

  it('refuses what is not a zip, or is cut short', () => {
    expect(badFile(() => listZip(strToU8('PK not really a zip at all, just text'), 'x.zip'))).toMatch(/x\.zip: corrupt ZIP archive \(no end of central directory/);
    const zip = zipSync(files);
    expect(badFile(() => listZip(zip.subarray(0, zip.length - 5), 'x.zip'))).toMatch(/corrupt ZIP archive/);
  });
});

describe('inflateCapped', () => {
  const data = Uint8Array.from({ length: 100_000 }, (_, i) => (i % 251) & 255);
  it('inflates gzip and zlib under the cap, whole', () => {
    expect(inflateCapped(gzipSync(data), 'gzip', { max: 100_000, what: 'd' })).toEqual(data);
    expect(inflateCapped(zlibSync(data), 'zlib', { max: 100_000, what: 'd' })).toEqual(data);
  });
  it('stops at the cap, or at the size the data declares', () => {
    expect(badFile(() => inflateCapped(gzipSync(data), 'gzip', { max: 99_999, what: 'd', advice: 'Smaller.' }))).toBe('d unpacks to more than 97.7 KB; the limit is 97.7 KB. Smaller.');
    expect(badFile(() => inflateCapped(gzipSync(data), 'gzip', { max: 1e6, what: 'd', expect: () => 50_000 }))).toMatch(/^d: holds more data than its header declares \(48.8 KB\)/);
    expect(inflateCapped(gzipSync(data), 'gzip', { max: 1e6, what: 'd', expect: (h) => (h.length >= 4 ? 100_000 : null) })).toEqual(data);
  });
  it('says corrupt data is corrupt', () => {
    expect(badFile(() => inflateCapped(gzipSync(data).subarray(0, 500), 'gzip', { max: 1e6, what: 'd' }))).toMatch(/^d: corrupt gzip data/);
  });
});
