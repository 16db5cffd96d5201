import { describe, expect, it } from 'vitest';
import { gzipSync, strToU8, zipSync } from 'fflate';
import { FlowgradError } from '../core/errors.ts';
import { parseCsv, sniffDelimiter, BadRowsError } from './csv.ts';
import { parseNpy, parseNpz } from './npy.ts';
import { parseIdx } from './idx.ts';
import { parseJsonDataset } from './json.ts';
import { decodeImagePure, encodePng } from './png.ts';
import { parseUpload } from './detect.ts';
import { classZip, idxBytes, npyBytes } from './fixtures.ts';
import type { NumericColumn, CategoricalColumn, TableData } from '../project/dataTypes.ts';

const num = (t: TableData, i: number) => Array.from((t.columns[i] as NumericColumn).values);
const badFile = (f: () => unknown, msg: RegExp) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FlowgradError);
    expect((e as FlowgradError).code).toBe('bad-file');
    expect((e as Error).message).toMatch(msg);
    return;
  }
  throw new Error('expected a FlowgradError');
};

describe('CSV', () => {
  it('reads a header, numbers and text columns', () => {
    const { table, delimiter } = parseCsv('a,b,species\n1,2.5,cat\n3,-4e1,dog\n');
    expect(delimiter).toBe(',');
    expect(table.columns.map((c) => [c.name, c.type])).toEqual([['a', 'numeric'], ['b', 'numeric'], ['species', 'categorical']]);
    expect(num(table, 1)).toEqual([2.5, -40]);
    const sp = table.columns[2] as CategoricalColumn;
    expect(Array.from(sp.codes).map((k) => sp.categories[k])).toEqual(['cat', 'dog']);
  });

  it('sniffs tab, semicolon and pipe delimiters and handles CRLF', () => {
    expect(parseCsv('x\ty\r\n1\t2\r\n3\t4\r\n').table.columns.map((c) => c.name)).toEqual(['x', 'y']);
    expect(sniffDelimiter('a;b;c\n1,5;2;3\n4;5;6\n')).toBe(';');
    expect(parseCsv('a|b\n1|2\n').delimiter).toBe('|');
  });

  it('reads quoted fields with delimiters, doubled quotes and newlines inside', () => {
    const { table } = parseCsv('name,v\n"Smith, J",1\n"say ""hi""",2\n"two\nlines",3\n');
    const c = table.columns[0] as CategoricalColumn;
    expect(c.categories).toEqual(['Smith, J', 'say "hi"', 'two\nlines']);
    expect(num(table, 1)).toEqual([1, 2, 3]);
  });

  it('detects a missing header', () => {
    const { table } = parseCsv('1,2,0\n3,4,1\n5,6,0\n');
    expect(table.rows).toBe(3);
    expect(table.columns.map((c) => c.name)).toEqual(['column 1', 'column 2', 'column 3']);
  });

  it('treats NA, empty and ? as missing', () => {
    const { table } = parseCsv('a,b\n1,NA\n,2\n?,3\n');
    expect(num(table, 0)).toEqual([1, NaN, NaN]);
    expect(num(table, 1)).toEqual([NaN, 2, 3]);
  });

  it('stops on a ragged row with its line number, or skips it when asked', () => {
    const text = 'a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n';
    expect(() => parseCsv(text)).toThrow(BadRowsError);
    badFile(() => parseCsv(text, { fileName: 'd.csv' }), /d\.csv: line 3: 2 fields, but the header has 3 \(ragged row\)/);
    const { table, notes } = parseCsv(text, { badRows: 'skip' });
    expect(table.rows).toBe(2);
    expect(notes[0]).toMatch(/Skipped 2 malformed rows \(lines 3, 5\)/);
  });

  it('tolerates a trailing delimiter', () => {
    expect(parseCsv('a,b,\n1,2,\n3,4,\n').table.rows).toBe(2);
  });

  it('reports an unclosed quote and a stray quote with line numbers', () => {
    badFile(() => parseCsv('a,b\n1,2\n"3,4\n5,6\n'), /line 3: a quoted field opened here is never closed/);
    badFile(() => parseCsv('a,b\n1,2\n"3"x,4\n'), /line 3: unexpected text after a closing quote/);
  });

  it('reports text in a numeric column with its line, or drops the row', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i},${i % 2}`);
    rows[16] = 'abc,1';
    const text = `x,label\n${rows.join('\n')}\n`;
    badFile(() => parseCsv(text), /line 18: column 'x' holds numbers, but this row has 'abc'/);
    const { table, notes } = parseCsv(text, { badRows: 'skip' });
    expect(table.rows).toBe(29);
    expect(notes.join(' ')).toMatch(/line 18/);
  });

  it('refuses empty files and header-only files', () => {
    badFile(() => parseCsv(''), /empty/);
    badFile(() => parseCsv('  \n\n'), /empty/);
    badFile(() => parseCsv('a,b,c\n'), /header but no data rows/);
  });

  it('streams chunks split anywhere (inside quotes and CRLF) to the same table', async () => {
    const lines = ['id,"text, quoted",v'];
    for (let i = 0; i < 3000; i++) lines.push(`${i},"row ""${i}""\nnext",${i * 0.5}`);
    const text = lines.join('\r\n') + '\r\n';
    const whole = parseCsv(text).table;
    const bytes = strToU8(text);
    const big = new Uint8Array(bytes.length * 20);
    // parseUpload chunks files above 1 MB: make one by repeating rows.
    big.set(bytes, 0);
    let o = bytes.length;
    const body = strToU8(lines.slice(1).join('\r\n') + '\r\n');
    while (o + body.length <= big.length) {
      big.set(body, o);
      o += body.length;
    }
    const progress: number[] = [];
    const parsed = await parseUpload([{ name: 'big.csv', bytes: big.subarray(0, o) }], { onProgress: (f) => progress.push(f) });
    const t = parsed.data as TableData;
    expect(t.rows % 3000).toBe(0);
    expect(t.rows).toBeGreaterThan(3000);
    expect(progress.length).toBeGreaterThan(1);
    expect((t.columns[1] as CategoricalColumn).categories[5]).toBe((whole.columns[1] as CategoricalColumn).categories[5]);
  });
});

describe('NPY / NPZ', () => {
  it('reads float32, float64, int64, uint8 and big-endian arrays', () => {
    expect(Array.from(parseNpy(npyBytes([1.5, -2, 3, 4], [2, 2])).data)).toEqual([1.5, -2, 3, 4]);
    expect(parseNpy(npyBytes([1.5, -2], [2], '<f8')).shape).toEqual([2]);
    const i8 = parseNpy(npyBytes([1, 2, 3], [3], '<i8'));
    expect(i8.kind).toBe('int');
    expect(Array.from(i8.data)).toEqual([1, 2, 3]);
    expect(parseNpy(npyBytes([0, 255], [2], '|u1')).kind).toBe('uint8');
    expect(Array.from(parseNpy(npyBytes([7, -8], [2], '>f8')).data)).toEqual([7, -8]);
  });

  it('refuses unsupported dtypes, Fortran order and truncation clearly', () => {
    const bad = npyBytes([1, 2], [2], '<f4');
    const at = bad.findIndex((_, i) => bad[i] === 0x3c && bad[i + 1] === 0x66 && bad[i + 2] === 0x34); // "<f4"
    bad.set([0x3c, 0x63, 0x38], at); // "<c8"
    badFile(() => parseNpy(bad), /unsupported dtype '<c8'/);
    badFile(() => parseNpy(npyBytes([1, 2], [2], '<f4', true)), /Fortran order/);
    badFile(() => parseNpy(npyBytes([1, 2, 3, 4], [2, 2]).subarray(0, 80)), /truncated/);
    badFile(() => parseNpy(strToU8('hello')), /not an NPY file/);
  });

  it('reads an NPZ with x and y into samples and labels', async () => {
    const npz = zipSync({ 'x.npy': npyBytes([0, 0, 1, 1, 2, 2], [3, 2]), 'y.npy': npyBytes([0, 1, 1], [3], '<i8') });
    const arrays = parseNpz(npz);
    expect(Object.keys(arrays).sort()).toEqual(['x', 'y']);
    const p = await parseUpload([{ name: 'd.npz', bytes: npz }]);
    expect(p.format).toBe('npz');
    expect(p.data.kind).toBe('tensor');
    if (p.data.kind === 'tensor') expect(Array.from(p.data.y!)).toEqual([0, 1, 1]);
  });
});

describe('IDX', () => {
  it('reads images and labels, gzipped or not', async () => {
    const img = idxBytes(Array.from({ length: 2 * 4 * 4 }, (_, i) => i), [2, 4, 4]);
    const lab = idxBytes([3, 7], [2]);
    expect(parseIdx(img).shape).toEqual([2, 4, 4]);
    expect(parseIdx(gzipSync(img)).shape).toEqual([2, 4, 4]);
    const p = await parseUpload([{ name: 'train-images-idx3-ubyte.gz', bytes: gzipSync(img) }, { name: 'train-labels-idx1-ubyte', bytes: lab }]);
    expect(p.format).toBe('idx');
    if (p.data.kind === 'tensor') {
      expect(p.data.xShape).toEqual([2, 4, 4]);
      expect(Array.from(p.data.y!)).toEqual([3, 7]);
    }
  });

  it('reports a truncated file with how many samples are there', () => {
    const img = idxBytes(new Array(10 * 4 * 4).fill(1), [10, 4, 4]);
    badFile(() => parseIdx(img.subarray(0, 16 + 16 * 3 + 5), 'x.idx'), /x\.idx: truncated IDX file: .* needs 160 bytes of data, found 53 \(3 of 10 samples\)/);
    badFile(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0])), /truncated IDX header/);
    const noisy = idxBytes(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251), [4000]);
    const gz = gzipSync(noisy);
    expect(() => parseIdx(gz.subarray(0, gz.length >> 1))).toThrow(FlowgradError);
  });
});

describe('JSON', () => {
  it('reads arrays of objects, of rows, and {x, y}', () => {
    const a = parseJsonDataset(strToU8('[{"a":1,"s":"x"},{"a":2,"s":"y"}]')).data as TableData;
    expect(a.columns.map((c) => c.type)).toEqual(['numeric', 'categorical']);
    const b = parseJsonDataset(strToU8('[[1,2,"a"],[3,4,"b"]]')).data as TableData;
    expect(b.rows).toBe(2);
    const c = parseJsonDataset(strToU8('{"x":[[[1,2],[3,4]],[[5,6],[7,8]]],"y":[0,1]}')).data;
    expect(c.kind === 'tensor' && c.xShape).toEqual([2, 2, 2]);
  });

  it('explains invalid JSON, ragged rows and missing keys', () => {
    badFile(() => parseJsonDataset(strToU8('[1,2,\n{]')), /invalid JSON/);
    badFile(() => parseJsonDataset(strToU8('[[1,2],[3]]')), /row 1 has 1 values, but the first row has 2/);
    badFile(() => parseJsonDataset(strToU8('{"x":[[1,2],[3]]}')), /x\[1\] should be a list of 2 values/);
    badFile(() => parseJsonDataset(strToU8('{"foo":1}')), /no samples/);
    badFile(() => parseJsonDataset(strToU8('[1,2,3]')), /flat list/);
  });
});

describe('images', () => {
  it('encodes and decodes PNG exactly (gray and RGB)', () => {
    const px = Uint8Array.from({ length: 5 * 3 * 3 }, (_, i) => (i * 37) % 256);
    const img = decodeImagePure(encodePng(5, 3, px, 3))!;
    expect([img.width, img.height]).toEqual([5, 3]);
    expect(Array.from(img.rgba.subarray(0, 8))).toEqual([px[0], px[1], px[2], 255, px[3], px[4], px[5], 255]);
    expect(decodeImagePure(encodePng(2, 2, Uint8Array.from([0, 50, 100, 150]), 1))!.rgba[4]).toBe(50);
  });

  it('reads a ZIP of class folders; undecodable images are skipped and counted', async () => {
    const zip = classZip(4, 3, 8);
    const p = await parseUpload([{ name: 'shapes.zip', bytes: zip }]);
    expect(p.format).toBe('images');
    if (p.data.kind !== 'images') throw new Error('images expected');
    expect(p.data.classNames).toEqual(['class_0', 'class_1', 'class_2']);
    expect(p.data.labels.length).toBe(12);
    expect(p.data.channels).toBe(3);
    const broken = zipSync({ 'a/1.png': encodePng(2, 2, new Uint8Array(4), 1), 'a/2.png': strToU8('not a png'), 'b/1.png': encodePng(2, 2, new Uint8Array(4), 1) });
    const q = await parseUpload([{ name: 'b.zip', bytes: broken }]);
    expect(q.notes.join(' ')).toMatch(/Skipped 1 image that could not be decoded \(a\/2\.png\)/);
  });

  it('refuses a corrupt ZIP, a ZIP without class folders, and a wrong extension', async () => {
    const zip = classZip(2, 2, 4);
    await expect(parseUpload([{ name: 'c.zip', bytes: zip.subarray(0, zip.length - 30) }])).rejects.toThrow(/corrupt ZIP archive/);
    await expect(parseUpload([{ name: 'flat.zip', bytes: zipSync({ '1.png': encodePng(1, 1, new Uint8Array(1), 1) }) }])).rejects.toThrow(/not in a class folder/);
    await expect(parseUpload([{ name: 'data.csv', bytes: zip }])).rejects.toThrow(/data\.csv is named like a text file but holds a ZIP archive/);
    await expect(parseUpload([{ name: 'sheet.xlsx', bytes: strToU8('hello') }])).rejects.toThrow(/unsupported file type '\.xlsx'/);
    await expect(parseUpload([{ name: 'e.csv', bytes: new Uint8Array(0) }])).rejects.toThrow(/e\.csv is empty/);
  });

  it('reads a dropped folder (paths with class sub-folders)', async () => {
    const png = encodePng(3, 3, new Uint8Array(9).fill(9), 1);
    const p = await parseUpload([{ name: 'pets/cat/1.png', bytes: png }, { name: 'pets/dog/1.png', bytes: png }, { name: 'pets/dog/2.png', bytes: png }]);
    expect(p.data.kind === 'images' && Array.from(p.data.labels)).toEqual([0, 1, 1]);
    expect(p.data.kind === 'images' && p.data.channels).toBe(1);
  });
});
