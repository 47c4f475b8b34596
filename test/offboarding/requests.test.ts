// The request lifecycle's pure transitions as a table: who may decide or cancel, in which state.
import assert from 'node:assert/strict';
import * as lifecycle from '../../src/offboarding/requests';
import type { OffboardingRequest, RequestStatus } from '../../src/offboarding/requests';

const now = new Date('2026-11-27T12:00:00.000Z');
const manager = { id: 'marcus', displayName: 'Marcus Reed' };
const base = {
  id: 'OFB-AAAAAA',
  status: 'requested',
  leaver: { id: 'jane', displayName: 'Jane Doe', userPrincipalName: 'jane@contoso.com', accountEnabled: true },
  inheritor: { id: 'tom', displayName: 'Tom', userPrincipalName: 'tom@contoso.com', accountEnabled: true },
  requester: { id: 'isaac', displayName: 'Isaac Ito' },
  approvers: [{ ...manager, role: 'manager' }],
  createdAt: '2026-11-27T10:00:00.000Z',
  expiresAt: '2026-11-30T10:00:00.000Z',
  teams: {},
} as unknown as OffboardingRequest;
const at = (status: RequestStatus, over: Partial<OffboardingRequest> = {}): OffboardingRequest => ({ ...base, status, ...over });

describe('request lifecycle', () => {
  const decideRows: Array<[string, OffboardingRequest, { id: string; displayName: string }, RegExp | RequestStatus]> = [
    ['the manager approves', at('requested'), manager, 'approved'],
    ['the leaver cannot', at('requested'), { id: 'jane', displayName: 'Jane Doe' }, /being offboarded/],
    ['the requester cannot', at('requested', { approvers: [{ id: 'isaac', displayName: 'Isaac', role: 'approvers-group' }] }), { id: 'isaac', displayName: 'Isaac' }, /asked for this offboarding/],
    ['someone else cannot', at('requested'), { id: 'tom', displayName: 'Tom' }, /Only the approvers this request was sent to can decide/],
    ['not twice', at('approved', { decision: { by: manager, at: now.toISOString(), outcome: 'approved' } }), manager, /already approved by Marcus Reed/],
    ['not after a rejection', at('rejected', { decision: { by: manager, at: now.toISOString(), outcome: 'rejected' } }), manager, /already rejected/],
    ['not when cancelled', at('cancelled', { cancelled: { by: { id: 'isaac', displayName: 'Isaac Ito' }, at: now.toISOString() } }), manager, /cancelled by Isaac Ito/],
    ['not when expired', at('expired'), manager, /expired without a decision/],
    ['not past the deadline', at('requested', { expiresAt: '2026-11-27T11:59:59.000Z' }), manager, /expired at/],
  ];
  for (const [name, request, by, expected] of decideRows) {
    it(`decide: ${name}`, () => {
      const result = lifecycle.decide(request, by, 'approved', now, 'ok');
      if (typeof expected === 'string') {
        assert.ok(result.ok);
        assert.equal(result.value.status, expected);
        assert.deepEqual(result.value.decision, { by, at: now.toISOString(), outcome: 'approved', comment: 'ok' });
      } else {
        assert.ok(!result.ok);
        assert.match(result.reason, expected);
      }
    });
  }

  it('cancel: the requester or an operator; before the run it cancels, while it runs it stops', () => {
    const isaac = { id: 'isaac', displayName: 'Isaac Ito' };
    const tom = { id: 'tom', displayName: 'Tom' };
    assert.equal(lifecycle.cancel(at('requested'), isaac, false, now).ok, true);
    assert.equal(lifecycle.cancel(at('scheduled'), tom, true, now).ok, true);
    const refused = lifecycle.cancel(at('requested'), tom, false, now);
    assert.ok(!refused.ok && /Only Isaac Ito/.test(refused.reason));
    const running = lifecycle.cancel(at('running'), isaac, false, now);
    assert.ok(running.ok && running.value.status === 'stopping' && running.value.stop?.by.id === 'isaac');
    const again = lifecycle.cancel(at('stopping'), tom, true, now);
    assert.ok(!again.ok && /already stopping/.test(again.reason));
    const stopped = lifecycle.cancel(at('stopped'), tom, true, now);
    assert.ok(!stopped.ok && /already stopped/.test(stopped.reason));
    assert.equal(lifecycle.cancel(at('completed'), isaac, true, now).ok, false);
  });

  it('expire, schedule, start and finish move forward only', () => {
    assert.equal(lifecycle.expire(at('requested', { expiresAt: '2026-11-27T11:00:00.000Z' }), now).ok, true);
    assert.equal(lifecycle.expire(at('requested'), now).ok, false);
    assert.equal(lifecycle.schedule(at('approved'), now).status, 'running');
    assert.equal(lifecycle.schedule(at('approved', { effectiveAt: '2026-11-28T09:00:00.000Z' }), now).status, 'scheduled');
    // approved after its effective time: scheduled all the same, so the next tick plans it again before it runs
    assert.equal(lifecycle.schedule(at('approved', { effectiveAt: '2026-11-27T09:00:00.000Z' }), now).status, 'scheduled');
    assert.throws(() => lifecycle.schedule(at('requested'), now));
    assert.equal(lifecycle.start(at('scheduled'), 'run-1', now).runId, 'run-1');
    assert.throws(() => lifecycle.start(at('requested'), 'run-1', now));
    const finished = lifecycle.finish(at('running'), 'completed-with-failures', now);
    assert.equal(finished.ok && finished.value.endedAt, now.toISOString());
  });

  it('makes short typeable ids without look-alike characters', () => {
    const id = lifecycle.requestIdFrom(new Uint8Array([0, 1, 2, 3, 30, 31]));
    assert.match(id, /^OFB-[2-9A-HJ-NP-Z]{6}$/);
    assert.equal(id, 'OFB-2345YZ');
  });
});
