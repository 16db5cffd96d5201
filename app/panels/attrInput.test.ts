import { describe, expect, it } from 'vitest';
import type { AttrSpec } from '../../engine/graph/types.ts';
import { checkNumber, formatAttr, parseAttr } from './attrInput.ts';

const units: AttrSpec = { name: 'units', label: 'Units', kind: 'int', default: 16, min: 1, max: 4096, doc: '' };
const p: AttrSpec = { name: 'p', label: 'Drop probability', kind: 'float', default: 0.5, min: 0, max: 0.99, doc: '' };
const shape: AttrSpec = { name: 'shape', label: 'Shape', kind: 'shape', default: [2], doc: '' };

describe('attribute fields', () => {
  it('validates ints and floats against kind and bounds', () => {
    expect(parseAttr(units, '32')).toEqual({ ok: true, value: 32 });
    expect(parseAttr(units, '0')).toEqual({ ok: false, error: 'Must be at least 1' });
    expect(parseAttr(units, '5000')).toEqual({ ok: false, error: 'Must be at most 4096' });
    expect(parseAttr(units, '2.5')).toEqual({ ok: false, error: 'Must be a whole number' });
    expect(parseAttr(units, '')).toEqual({ ok: false, error: 'Enter a number' });
    expect(parseAttr(p, '0.25')).toEqual({ ok: true, value: 0.25 });
    expect(parseAttr(p, '1')).toEqual({ ok: false, error: 'Must be at most 0.99' });
  });

  it('reads shapes as comma lists', () => {
    expect(parseAttr(shape, '1, 28, 28')).toEqual({ ok: true, value: [1, 28, 28] });
    expect(parseAttr(shape, '2')).toEqual({ ok: true, value: [2] });
    expect(parseAttr(shape, '2, 0').ok).toBe(false);
    expect(parseAttr(shape, '').ok).toBe(false);
    expect(formatAttr(shape, [1, 28, 28])).toBe('1, 28, 28');
  });

  it('checks plain number fields', () => {
    expect(checkNumber('0.01', { min: 1e-6 })).toEqual({ ok: true, value: 0.01 });
    expect(checkNumber('0', { min: 1 })).toEqual({ ok: false, error: 'Must be at least 1' });
    expect(checkNumber('3.5', { int: true })).toEqual({ ok: false, error: 'Must be a whole number' });
  });
});
