import { describe, expect, it } from 'vitest';
import { F, concat, isFlowgradError, ones, tensor, zeros } from '../index.ts';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isFlowgradError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('bad shapes raise FlowgradError code "shape" naming the op and shapes', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['matmul', () => ones([3, 4]).matmul(ones([5, 6])), /^shape: matmul: \[3,4\] @ \[5,6\]: inner dimensions 4 and 5 differ/],
    ['add', () => ones([2, 3]).add(ones([4])), /^shape: add: shapes \[2,3\] and \[4\] cannot be broadcast/],
    ['reshape', () => ones([2, 3]).reshape([4, 2]), /^shape: reshape: .*\[2,3\].*\[4,2\]/],
    ['concat', () => concat([ones([2, 3]), ones([2, 4])], 0), /^shape: concat:/],
    ['sum dim', () => ones([2, 3]).sum(2), /^shape: sum: dimension 2 out of range/],
    ['transpose', () => ones([2, 3]).transpose(0, 5), /^shape: transpose/],
    ['expand', () => ones([2, 3]).expand([4, 3]), /^shape: expand/],
    ['linear', () => F.linear(ones([2, 3]), ones([4, 5])), /^shape: linear/],
    ['crossEntropy', () => F.crossEntropy(ones([4, 3]), tensor([0, 1], { dtype: 'int32' })), /^shape: crossEntropy/],
    ['mseLoss', () => F.mseLoss(ones([4, 3]), ones([3, 4])), /^shape: mseLoss/],
    ['tensor ragged', () => tensor([[1, 2], [3]]), /^shape: tensor: ragged/],
    ['item', () => ones([2]).item(), /^shape: item/],
    ['matmul rank-0', () => ones([]).matmul(ones([2])), /^shape: matmul/],
    ['pad', () => ones([2]).pad([1, 1, 1, 1]), /^shape: pad/],
    ['where', () => ones([2]).where(ones([3]).gt(0), 0), /^shape: where/],
  ];
  for (const [name, fn, re] of cases) it(name, () => expect(codeOf(fn)).toMatch(re));

  it('out-of-range indices raise bad-argument', () => {
    expect(codeOf(() => ones([3]).indexSelect(0, tensor([3], { dtype: 'int32' })))).toMatch(/^bad-argument: indexSelect: index 3 out of range/);
  });

  it('requiresGrad on integer tensors raises dtype', () => {
    expect(codeOf(() => zeros([2], { dtype: 'int32' }).requiresGrad_())).toMatch(/^dtype:/);
  });
});
