// A batch finished at start-up (issue 15, *Bulk*): its process died mid-submit and service.resume finished it. The
// notifier does what the click's answer would have done: the submit card left at "Preparing plans…" shows the
// submitted notice, the approvers get their cards, the batch progress card is posted; a Teams failure never throws.
import assert from 'node:assert/strict';
import type { Activity, ConversationReference } from 'botbuilder';
import type { Batch } from '../../src/offboarding/batch/batch';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import type { OffboardingService } from '../../src/offboarding/service';
import { batchNotFound } from '../../src/offboarding/batch/records';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { continueBatchSubmit } from '../../src/teams/actions/batch-submit';
import type { SubmitDeps } from '../../src/teams/actions/submit';
import { TeamsNotifier } from '../../src/teams/notifier';
import type { TeamsRefs } from '../../src/teams/refs';
import type { Proactive } from '../../src/teams/proactive';
import { sampleBatch, sampleBatchRequests } from './batch-samples';

class RecordingProactive {
  calls: Array<{ op: string; to?: string; activityId?: string; text: string }> = [];
  fail = false;
  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> {
    this.calls.push({ op: 'send', to: reference.conversation?.id, text: JSON.stringify(activity) });
    return this.fail ? Promise.reject(new Error('502')) : Promise.resolve(`act-${this.calls.length}`);
  }
  update(reference: Partial<ConversationReference>, activityId: string, activity: Partial<Activity>): Promise<void> {
    this.calls.push({ op: 'update', to: reference.conversation?.id, activityId, text: JSON.stringify(activity) });
    return this.fail ? Promise.reject(new Error('502')) : Promise.resolve();
  }
}

function resumed(): { batch: Batch; requests: OffboardingRequest[] } {
  const { batch, requests } = sampleBatchRequests(3);
  const thread = { conversation: { id: 'a:1to1-isaac' } };
  return {
    batch: { ...batch, teams: { thread, serviceUrl: 'http://connector/', tenantId: 't' }, notSubmitted: [{ leaverId: 'x', displayName: 'Xavier Quinn', reason: 'protected' }] },
    // Each request was submitted from the clicked card: its reference names it.
    requests: requests.map((r) => ({ ...r, status: 'requested' as const, teams: { ...r.teams, thread, submitCardId: 'submit-card-1' } })),
  };
}

describe('a batch finished at start-up (issue 15)', () => {
  it('the submit card shows the submitted notice, then the approval cards and the progress card go out', async () => {
    const p = new RecordingProactive();
    const n = new TeamsNotifier(p as unknown as Proactive, {} as OffboardingService);
    const told: string[] = [];
    n.batchApprovals.requested = (b, rs) => (told.push(`approvals ${b.id} ${rs.length}`), Promise.resolve());
    n.batchProgress.submitted = (b) => (told.push(`progress ${b.id}`), Promise.resolve());
    const { batch, requests } = resumed();
    await n.batchSubmitted(batch, requests);
    assert.deepEqual(p.calls.map((c) => [c.op, c.to, c.activityId]), [['update', 'a:1to1-isaac', 'submit-card-1']]);
    assert.match(p.calls[0]!.text, /Submitted: BAT-7K3Q9P/);
    assert.match(p.calls[0]!.text, /3 requests opened/);
    assert.match(p.calls[0]!.text, /Xavier Quinn: protected/);
    assert.deepEqual(told.sort(), ['approvals BAT-7K3Q9P 3', 'progress BAT-7K3Q9P']);
  });

  it('nothing submitted: the notice goes to the thread as a new message; failures in Teams never throw', async () => {
    const p = new RecordingProactive();
    p.fail = true;
    const n = new TeamsNotifier(p as unknown as Proactive, {} as OffboardingService);
    n.batchApprovals.requested = () => Promise.reject(new Error('boom'));
    n.batchProgress.submitted = () => Promise.reject(new Error('boom'));
    const { batch } = resumed();
    await n.batchSubmitted({ ...batch, approvals: [], requestIds: [] }, []);
    assert.deepEqual(p.calls.map((c) => [c.op, c.to]), [['send', 'a:1to1-isaac']]);
    assert.match(p.calls[0]!.text, /0 requests opened/);
  });

  it("a refusal of the submit: the draft form again with the reason, but never on the unknown-batch answer (the click may come from where the batch must not be shown)", async () => {
    const draft = sampleBatch(3);
    const refs = { thread: { conversation: { id: 'a:1to1-isaac' } }, serviceUrl: 'http://connector/', tenantId: 't', bot: { id: '28:bot' }, submitCardId: 'card-1' } as TeamsRefs;
    const input = { batchId: draft.id, requester: { id: 'isaac', displayName: 'Isaac Ito' }, inheritors: {}, options: DEFAULT_OPTIONS, teams: {}, where: { kind: 'personal' as const } };
    for (const [reason, form] of [['The reason is too long. Nothing was changed.', true], [batchNotFound(draft.id), false]] as const) {
      const p = new RecordingProactive();
      const service = { batches: { submit: () => Promise.resolve({ ok: false, reason }), get: () => Promise.resolve(draft) } };
      await continueBatchSubmit({ service, proactive: p, notifier: {} } as unknown as SubmitDeps, refs, input);
      assert.deepEqual(p.calls.map((c) => [c.op, c.activityId]), [['update', 'card-1']]);
      assert.equal(/Leaver 1/.test(p.calls[0]!.text), form, reason);
      assert.match(p.calls[0]!.text, new RegExp(reason.slice(0, 20)));
    }
  });
});
