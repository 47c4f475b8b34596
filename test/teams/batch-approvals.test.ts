// A batch's approval cards through the notifier's shared delivery, with a recording Proactive and an in-memory
// service: one card per approval, its reference saved on every request it covers (so housekeeping's per-request
// redelivery sees it), redelivery of the card covering a request, and decisions coalesced into one update per card.
import assert from 'node:assert/strict';
import type { Activity, ConversationReference } from 'botbuilder';
import type { Batch } from '../../src/offboarding/batch/batch';
import type { DeliveryOutcome } from '../../src/offboarding/housekeeping';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import type { OffboardingService } from '../../src/offboarding/service';
import { TeamsNotifier } from '../../src/teams/notifier';
import type { Posted, Proactive } from '../../src/teams/proactive';
import { currentApprovals, refsOf } from '../../src/teams/refs';
import { sampleRequest } from './sample-request';
import { inputsOf } from './harness';

type Call = { op: string; to?: string; activityId?: string; activity: Partial<Activity> };

class RecordingProactive {
  calls: Call[] = [];
  refuse = new Set<string>();
  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> {
    this.calls.push({ op: 'send', to: reference.conversation?.id, activity });
    return Promise.resolve(`act-${this.calls.length}`);
  }
  update(reference: Partial<ConversationReference>, activityId: string, activity: Partial<Activity>): Promise<void> {
    this.calls.push({ op: 'update', to: reference.conversation?.id, activityId, activity });
    return Promise.resolve();
  }
  sendPersonal(_s: string, _t: string, userId: string, _b: unknown, activity: Partial<Activity>): Promise<Posted> {
    if (this.refuse.has(userId)) {
      this.calls.push({ op: 'personal-403', to: userId, activity });
      return Promise.reject(Object.assign(new Error('Forbidden'), { statusCode: 403 }));
    }
    this.calls.push({ op: 'personal', to: userId, activity });
    return Promise.resolve({ reference: { conversation: { id: `a:${userId}` } as never }, activityId: `card-${userId}-${this.calls.length}` });
  }
}

/** Marcus approves Jane's team (3 leavers), Helen approves Diego's (1): two approval cards. */
function world() {
  const approver = (id: string, displayName: string) => [{ id, displayName, role: 'manager' as const }];
  const requests = new Map<string, OffboardingRequest>();
  const add = (id: string, leaver: string, by: string, byName: string) =>
    requests.set(id, sampleRequest({ id, batchId: 'BAT-AAAAAA', leaver: { id: leaver, displayName: leaver, userPrincipalName: `${leaver}@contoso.com`, accountEnabled: true }, approvers: approver(by, byName) }));
  add('OFB-AAAAA1', 'jane', 'marcus', 'Marcus Reed');
  add('OFB-AAAAA2', 'aisha', 'marcus', 'Marcus Reed');
  add('OFB-AAAAA3', 'kevin', 'marcus', 'Marcus Reed');
  add('OFB-AAAAA4', 'diego', 'helen', 'Helen Brooks');
  const batch: Batch = {
    id: 'BAT-AAAAAA',
    status: 'submitted',
    requester: { id: 'isaac', displayName: 'Isaac Ito' },
    createdAt: '2026-11-27T10:00:00.000Z',
    where: { kind: 'personal' },
    teams: {},
    source: 'list',
    rows: [],
    leftOut: [],
    requestIds: [...requests.keys()],
    approvals: [
      { id: 'A1', approverId: 'marcus', approverName: 'Marcus Reed', requestIds: ['OFB-AAAAA1', 'OFB-AAAAA2', 'OFB-AAAAA3'] },
      { id: 'A2', approverId: 'helen', approverName: 'Helen Brooks', requestIds: ['OFB-AAAAA4'] },
    ],
  };
  const delivered: Array<[string, Record<string, DeliveryOutcome>]> = [];
  const service = {
    approvalMayGoToThread: () => Promise.resolve(false),
    installAppFor: () => Promise.reject(new Error('no install in this test')),
    annotate: (id: string, change: (t: Record<string, unknown>) => Record<string, unknown>) => {
      const r = requests.get(id)!;
      requests.set(id, { ...r, teams: change(r.teams) });
      return Promise.resolve(requests.get(id));
    },
    get: (id: string) => Promise.resolve(requests.get(id)),
    approvalsDelivered: (r: OffboardingRequest, outcomes: Record<string, DeliveryOutcome>) => (delivered.push([r.id, outcomes]), Promise.resolve()),
    batches: {
      get: () => Promise.resolve(batch),
      requests: () => Promise.resolve([...requests.values()]),
    },
  } as unknown as OffboardingService;
  const proactive = new RecordingProactive();
  const notifier = new TeamsNotifier(proactive as unknown as Proactive, service, { sleep: () => Promise.resolve(), installRetryMs: 0, teamsAppId: 'app' });
  const decide = (id: string, outcome: 'approved' | 'rejected') => {
    const r = requests.get(id)!;
    requests.set(id, { ...r, status: outcome, decision: { outcome, by: { id: r.approvers[0]!.id, displayName: r.approvers[0]!.displayName }, at: '2026-11-27T12:00:00.000Z' } });
    return requests.get(id)!;
  };
  return { requests, batch, service, proactive, notifier, delivered, decide };
}

const toggles = (activity: Partial<Activity>) => [...inputsOf(activity).keys()].filter((k) => k.startsWith('include.')).sort();

describe('batch approval cards (notifier)', () => {
  it('one card per approver, covering only their leavers; its reference saved on every request it covers', async () => {
    const w = world();
    await w.notifier.batchApprovals.requested(w.batch, [...w.requests.values()]);
    const cards = w.proactive.calls.filter((c) => c.op === 'personal');
    assert.deepEqual(cards.map((c) => c.to).sort(), ['helen', 'marcus']);
    assert.deepEqual(toggles(cards.find((c) => c.to === 'marcus')!.activity), ['include.OFB-AAAAA1', 'include.OFB-AAAAA2', 'include.OFB-AAAAA3']);
    assert.deepEqual(toggles(cards.find((c) => c.to === 'helen')!.activity), ['include.OFB-AAAAA4']);
    for (const r of w.requests.values()) {
      const refs = currentApprovals(r);
      assert.equal(refs.length, 1, r.id);
      assert.equal(refs[0]!.batchApprovalId, r.approvers[0]!.id === 'marcus' ? 'A1' : 'A2');
      assert.deepEqual(w.notifier.approversWithoutCard(r), []);
    }
    assert.deepEqual(w.delivered.map(([id, o]) => [id, o]).sort(), [
      ['OFB-AAAAA1', { marcus: 'delivered' }],
      ['OFB-AAAAA2', { marcus: 'delivered' }],
      ['OFB-AAAAA3', { marcus: 'delivered' }],
      ['OFB-AAAAA4', { helen: 'delivered' }],
    ]);
  });

  it("an approver who can't be reached: their requests have no card; redelivery for one sends the card covering all of them, once", async () => {
    const w = world();
    w.proactive.refuse.add('marcus');
    await w.notifier.batchApprovals.requested(w.batch, [...w.requests.values()]);
    assert.deepEqual(w.notifier.approversWithoutCard(w.requests.get('OFB-AAAAA2')!), ['marcus']);
    assert.deepEqual(w.delivered.find(([id]) => id === 'OFB-AAAAA2')![1], { marcus: 'failed' });
    w.proactive.refuse.clear();
    // Housekeeping finds the requests without a card, one by one (deliverApprovals: the notifier's per-request entry).
    assert.deepEqual(await w.notifier.deliverApprovals(w.requests.get('OFB-AAAAA2')!, ['marcus']), { marcus: 'delivered' });
    assert.deepEqual(await w.notifier.deliverApprovals(w.requests.get('OFB-AAAAA1')!, ['marcus']), { marcus: 'skipped' }, 'the card covering it arrived already');
    assert.equal(w.proactive.calls.filter((c) => c.op === 'personal' && c.to === 'marcus').length, 1);
    for (const id of ['OFB-AAAAA1', 'OFB-AAAAA2', 'OFB-AAAAA3']) {
      assert.deepEqual(w.notifier.approversWithoutCard(w.requests.get(id)!), [], id);
    }
  });

  it('decisions are coalesced: a click deciding many requests updates each card once, from stored state', async () => {
    const w = world();
    await w.notifier.batchApprovals.requested(w.batch, [...w.requests.values()]);
    w.proactive.calls.length = 0;
    const a = w.decide('OFB-AAAAA1', 'approved');
    const b = w.decide('OFB-AAAAA2', 'rejected');
    for (let i = 0; i < 50; i++) {
      await w.notifier.decided(i % 2 ? a : b);
    }
    await new Promise((r) => setTimeout(r, 600));
    const updates = w.proactive.calls.filter((c) => c.op === 'update');
    assert.equal(updates.length, 1, 'one update for Marcus’s card; Helen’s card is not touched');
    assert.equal(updates[0]!.to, 'a:marcus');
    assert.deepEqual(toggles(updates[0]!.activity), ['include.OFB-AAAAA3'], 'only the waiting leaver keeps a toggle');
    const text = JSON.stringify(updates[0]!.activity);
    assert.match(text, /Approved by Marcus Reed/);
    assert.match(text, /Rejected by Marcus Reed/);
    assert.equal(refsOf(w.requests.get('OFB-AAAAA4')!).approvals?.length, 1);
  });
});
