import { describe, expect, it } from 'vitest';
import { uniqueName } from './projectsSlice.ts';

describe('new projects get names no other project has', () => {
  it('numbers repeated default names', () => {
    expect(uniqueName('Untitled model', [])).toBe('Untitled model');
    expect(uniqueName('Untitled model', ['Untitled model'])).toBe('Untitled model 2');
    expect(uniqueName('Untitled model', ['Untitled model', 'Untitled model 2'])).toBe('Untitled model 3');
    expect(uniqueName('LeNet-5', ['LeNet-5', 'Untitled model'])).toBe('LeNet-5 2');
  });
});
