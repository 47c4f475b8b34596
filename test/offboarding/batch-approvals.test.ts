// A batch's approval cards as pure grouping (issue 15, *Bulk*): one card per approver with all of their leavers in row
// order, at most MAX_LEAVERS_PER_APPROVAL per card, and a request with several approvers on each of their cards.
import assert from 'node:assert/strict';
import { groupApprovals } from '../../src/offboarding/batch/approvals';
import { MAX_LEAVERS_PER_APPROVAL } from '../../src/offboarding/batch/batch';
import type { Approver } from '../../src/offboarding/requests';

const manager = (id: string): Approver => ({ id, displayName: `Manager ${id}`, role: 'manager' });
const group = (id: string): Approver => ({ id, displayName: `Approver ${id}`, role: 'approvers-group' });
const request = (id: string, ...approvers: Approver[]) => ({ id, approvers });

describe('batch approvals: grouping per approver', () => {
  it('one card per approver, their requests in row order', () => {
    const approvals = groupApprovals([request('R1', manager('m1')), request('R2', manager('m2')), request('R3', manager('m1'))]);
    assert.deepEqual(approvals, [
      { id: 'A1', approverId: 'm1', approverName: 'Manager m1', requestIds: ['R1', 'R3'] },
      { id: 'A2', approverId: 'm2', approverName: 'Manager m2', requestIds: ['R2'] },
    ]);
  });

  it(`splits an approver's leavers into cards of at most ${MAX_LEAVERS_PER_APPROVAL}`, () => {
    const requests = Array.from({ length: 120 }, (_, i) => request(`R${i}`, manager('m1')));
    const approvals = groupApprovals(requests);
    assert.deepEqual(approvals.map((a) => [a.id, a.requestIds.length]), [['A1', 50], ['A2', 50], ['A3', 20]]);
    assert.deepEqual(approvals.flatMap((a) => a.requestIds), requests.map((r) => r.id), 'every request once, in order');
    assert.equal(groupApprovals(requests.slice(0, 50)).length, 1, 'exactly 50 fit on one card');
  });

  it('a request the approvers group decides is on each member’s card; ids stay unique across approvers', () => {
    const approvals = groupApprovals([request('R1', group('g1'), group('g2')), request('R2', manager('m1')), request('R3', group('g1'), group('g2'))]);
    assert.deepEqual(approvals.map((a) => [a.id, a.approverId, a.requestIds]), [
      ['A1', 'g1', ['R1', 'R3']],
      ['A2', 'g2', ['R1', 'R3']],
      ['A3', 'm1', ['R2']],
    ]);
    assert.deepEqual(groupApprovals([]), []);
  });
});
