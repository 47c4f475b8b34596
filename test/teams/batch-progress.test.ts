// A batch's progress card and summary (issue 15, *Bulk*) with a recording Proactive and a fake batch use case: the
// lines and counts, 500 leavers under the size limit, one card posted however many changes race, updates coalesced,
// a restarted process updating the stored card, and one batch summary once the last request ended.
import assert from 'node:assert/strict';
import type { Activity, ConversationReference } from 'botbuilder';
import type { Batch } from '../../src/offboarding/batch/batch';
import type { BatchView } from '../../src/offboarding/batch/use-case';
import type { RunView } from '../../src/offboarding/executor';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import type { OffboardingService } from '../../src/offboarding/service';
import { BatchProgress } from '../../src/teams/batch-progress';
import { batchCounts, batchProgressCardData, batchSummaryCardData, fitBatchCard, MAX_BATCH_CARD_BYTES } from '../../src/teams/batch-view';
import { renderBatchProgressCard, renderBatchSummaryCard } from '../../src/teams/cards';
import { batchCancelReply } from '../../src/teams/commands/cancel';
import { TeamsNotifier } from '../../src/teams/notifier';
import type { Proactive } from '../../src/teams/proactive';
import { sampleRequest } from './sample-request';

type Call = { op: string; to?: string; activityId?: string; activity: Partial<Activity> };

class RecordingProactive {
  calls: Call[] = [];
  /** Resolves each send after this long (a slow connector: changes race with the post). */
  sendDelayMs = 0;
  channelFailures = 0;
  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> {
    this.calls.push({ op: 'send', to: reference.conversation?.id, activity });
    const id = `act-${this.calls.length}`;
    if (this.sendDelayMs) {
      await new Promise((r) => setTimeout(r, this.sendDelayMs));
    }
    return id;
  }
  update(reference: Partial<ConversationReference>, activityId: string, activity: Partial<Activity>): Promise<void> {
    this.calls.push({ op: 'update', to: reference.conversation?.id, activityId, activity });
    return Promise.resolve();
  }
  postToChannel(_s: string, _t: string, channelId: string, activity: Partial<Activity>): Promise<{ reference: object; activityId: string }> {
    if (this.channelFailures-- > 0) {
      this.calls.push({ op: 'channel-failed', to: channelId, activity });
      return Promise.reject(new Error('503 Service Unavailable'));
    }
    this.calls.push({ op: 'channel', to: channelId, activity });
    return Promise.resolve({ reference: {}, activityId: 'summary' });
  }
}

const THREAD = { conversation: { id: '19:ops@thread.tacv2;messageid=1' } };

function leaver(i: number, over: Partial<OffboardingRequest> = {}): OffboardingRequest {
  const id = `OFB-${String(i).padStart(6, '0')}`;
  return sampleRequest({ id, batchId: 'BAT-AAAAAA', leaver: { id: `u${i}`, displayName: `Leaver Number ${i}`, userPrincipalName: `leaver${i}@contoso.com`, accountEnabled: true }, approvers: [{ id: 'marcus', displayName: 'Marcus Reed', role: 'manager' }], teams: { thread: THREAD, serviceUrl: 'http://connector/', tenantId: 't', bot: { id: '28:bot' } }, ...over });
}

function batchOf(requests: OffboardingRequest[], teams: Record<string, unknown> = { thread: THREAD, serviceUrl: 'http://connector/', tenantId: 't' }): Batch {
  return {
    id: 'BAT-AAAAAA',
    status: 'submitted',
    requester: { id: 'isaac', displayName: 'Isaac Ito' },
    createdAt: '2026-11-27T10:00:00.000Z',
    submittedAt: '2026-11-27T10:05:00.000Z',
    where: { kind: 'channel', teamId: 'team', channelId: '19:ops@thread.tacv2' } as Batch['where'],
    teams,
    source: 'list',
    rows: [],
    leftOut: [],
    requestIds: requests.map((r) => r.id),
  };
}

/** The batch and its requests as the store holds them; claimSummary once every request has ended. */
function fakeService(requests: OffboardingRequest[]) {
  const state = { batch: batchOf(requests), requests: new Map(requests.map((r) => [r.id, r])), claimed: false, claims: 0 };
  const recorded: Array<{ id: string; outcome: unknown }> = [];
  const ENDED = new Set(['rejected', 'expired', 'cancelled', 'withdrawn', 'closed', 'completed', 'completed-with-failures']);
  const all = () => state.batch.requestIds!.map((id) => state.requests.get(id)!);
  const batches = {
    get: () => Promise.resolve(state.batch),
    requests: () => Promise.resolve(all()),
    annotate: (_id: string, change: (t: Record<string, unknown>) => Record<string, unknown>) => ((state.batch = { ...state.batch, teams: change(state.batch.teams) }), Promise.resolve(state.batch)),
    claimSummary: (): Promise<BatchView | undefined> => {
      state.claims++;
      if (state.claimed || !all().every((r) => ENDED.has(r.status))) {
        return Promise.resolve(undefined);
      }
      state.claimed = true;
      return Promise.resolve({ batch: state.batch, requests: all() });
    },
    recordSummary: (id: string, outcome: { postedAt?: string; error?: string }) => {
      recorded.push({ id, outcome });
      state.batch = { ...state.batch, summary: { claimedAt: state.batch.summary?.claimedAt ?? '2026-11-27T12:00:00.000Z', ...outcome } };
      return Promise.resolve();
    },
  };
  const service = {
    batches,
    get: (id: string) => Promise.resolve(state.requests.get(id)),
    runView: () => Promise.resolve(undefined as RunView | undefined),
    recordSummary: (id: string, outcome: unknown) => (recorded.push({ id, outcome }), Promise.resolve()),
  };
  const set = (r: OffboardingRequest) => state.requests.set(r.id, r);
  return { service: service as unknown as OffboardingService & typeof service, state, recorded, set };
}

const noSleep = () => Promise.resolve();
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const text = (c: Call | undefined) => JSON.stringify(c?.activity ?? {});
const marcus = { id: 'marcus', displayName: 'Marcus Reed' };
const decision = (outcome: 'approved' | 'rejected') => ({ by: marcus, at: '2026-11-27T11:00:00.000Z', outcome });

describe('batch progress (issue 15)', () => {
  describe('the lines and the counts', () => {
    it('names each leaver with their request id and where it stands, and counts each state', () => {
      const requests = [
        leaver(1),
        leaver(2, { status: 'scheduled', decision: decision('approved'), effectiveAt: '2026-12-05T16:00:00.000Z' }),
        leaver(3, { status: 'running', decision: decision('approved') }),
        leaver(4, { status: 'completed', decision: decision('approved') }),
        leaver(5, { status: 'rejected', decision: decision('rejected') }),
        leaver(6, { status: 'cancelled', cancelled: { by: { id: 'isaac', displayName: 'Isaac Ito' }, at: '2026-11-27T11:00:00.000Z' } }),
        leaver(7, { status: 'completed', decision: decision('approved') }),
      ];
      const r3 = requests[2]!;
      const view: RunView = { run: { id: r3.id, requestId: r3.id, plan: r3.plan, people: { leaver: r3.leaver, inheritor: r3.inheritor }, status: 'running', startedAt: r3.createdAt, attempt: 1 }, steps: r3.plan.steps.slice(0, 5).map((st) => ({ kind: st.kind, status: 'done', counts: { total: 1, done: 1, failed: 0, skipped: 0 }, attempts: 1 })) };
      const data = batchProgressCardData(batchOf(requests), requests, new Map([[r3.id, view]]), 'Europe/Berlin');
      assert.equal(data.title, 'Batch BAT-AAAAAA: offboarding 7 leavers');
      assert.deepEqual(
        data.lines.map((l) => `${l.name}: ${l.state}`),
        [
          'Leaver Number 1: OFB-000001 · ⏳ waiting for Marcus Reed',
          'Leaver Number 2: OFB-000002 · 🕒 scheduled for Sat 5 Dec 2026, 17:00 Europe/Berlin (UTC+01:00)',
          `Leaver Number 3: OFB-000003 · ▶️ running 5/${r3.plan.steps.length} steps`,
          'Leaver Number 4: OFB-000004 · ✅ completed',
          'Leaver Number 5: OFB-000005 · ❌ rejected by Marcus Reed',
          'Leaver Number 6: OFB-000006 · 🚫 cancelled by Isaac Ito',
          'Leaver Number 7: OFB-000007 · ✅ completed',
        ],
      );
      assert.equal(data.counts, '1 waiting · 1 scheduled · 1 running · 2 completed · 1 rejected · 1 cancelled');
      assert.equal(batchCounts([]), 'No requests');
      const rendered = JSON.stringify(renderBatchProgressCard(data).content);
      assert.match(rendered, /Leaver Number 5/);
      assert.match(rendered, /1 waiting · 1 scheduled/);
    });

    it("rows that could not be submitted are mentioned only to a reader who sees the whole batch", () => {
      const requests = [leaver(1), leaver(2)];
      const batch = { ...batchOf(requests), notSubmitted: [{ leaverId: 'x', displayName: 'Xavier', reason: 'protected' }] };
      assert.match(batchProgressCardData(batch, requests).subtitle ?? '', /1 leaver could not be submitted/);
      assert.doesNotMatch(batchProgressCardData(batch, [requests[0]!], new Map(), undefined, false).subtitle ?? '', /could not be submitted/);
    });

    it('an approvers group is named by its first member and how many others', () => {
      const r = leaver(1, { approvers: ['Amara Okafor', 'Ben Carter', 'Cleo Moss', 'Dan Ruiz'].map((n, i) => ({ id: `a${i}`, displayName: n, role: 'approvers-group' as const })) });
      assert.equal(batchProgressCardData(batchOf([r]), [r]).lines[0]!.state, 'OFB-000001 · ⏳ waiting for Amara Okafor or 3 others');
    });

    it('a batch not submitted yet shows its rows as on the request card, and that nothing was opened', () => {
      const draft: Batch = { ...batchOf([]), status: 'draft', requestIds: undefined, rows: [{ leaver: { id: 'jane', displayName: 'Jane Doe', userPrincipalName: 'jane.doe@contoso.com', accountEnabled: true }, line: 1, managerInBatch: false }], leftOut: [{ entry: 'Nobody', line: 2, reason: 'unknown', detail: 'No one matches "Nobody".' }] };
      const data = batchProgressCardData(draft, []);
      assert.equal(data.title, 'Batch BAT-AAAAAA: 1 leaver, not submitted yet: its request card is waiting for a submit');
      assert.deepEqual(data.lines, [{ name: 'Jane Doe', state: 'line 1 · on the request card' }]);
      assert.match(data.subtitle ?? '', /1 left out/);
      assert.match(data.counts, /No request has been opened yet/);
    });

    it('the summary names every leaver with their outcome and `status <id>`', () => {
      const requests = [leaver(1, { status: 'completed', decision: decision('approved') }), leaver(2, { status: 'rejected', decision: decision('rejected') })];
      const data = batchSummaryCardData(batchOf(requests), requests);
      assert.deepEqual(data.lines.map((l) => `${l.name}: ${l.state}`), ['Leaver Number 1: Completed · status OFB-000001', 'Leaver Number 2: Rejected by Marcus Reed · status OFB-000002']);
      assert.equal(data.outcome, '1 completed · 1 rejected');
      assert.equal(data.tone, 'attention');
    });
  });

  describe('the size limit', () => {
    const many = (n: number, name: (i: number) => string) =>
      Array.from({ length: n }, (_, i) => leaver(i, { leaver: { id: `u${i}`, displayName: name(i), userPrincipalName: `leaver${i}@contoso.com`, accountEnabled: true }, approvers: [{ id: 'm', displayName: 'Maximilian Alexander Featherstonehaugh-Worthington', role: 'manager' }] }));

    it('500 leavers fit the progress card and the summary whole, under the limit', () => {
      const requests = many(500, (i) => `Leaver With A Fairly Long Name Number ${i}`);
      const batch = batchOf(requests);
      const progress = JSON.stringify(fitBatchCard(batchProgressCardData(batch, requests), renderBatchProgressCard).content);
      const summary = JSON.stringify(fitBatchCard(batchSummaryCardData(batch, requests.map((r) => ({ ...r, status: 'completed' }))), renderBatchSummaryCard).content);
      for (const [what, json] of [['progress', progress], ['summary', summary]] as const) {
        assert.ok(Buffer.byteLength(json) < MAX_BATCH_CARD_BYTES, `${what}: ${Buffer.byteLength(json)} bytes`);
        assert.match(json, /Number 499"/, `${what}: the last leaver is shown`);
        assert.doesNotMatch(json, /more, not shown here/);
      }
    });

    it('lines that do not fit are counted, not dropped silently', () => {
      const requests = many(500, (i) => `${'Very Long Name '.repeat(5)}${i}`);
      const card = fitBatchCard(batchProgressCardData(batchOf(requests), requests), renderBatchProgressCard, 40_000);
      const json = JSON.stringify(card.content);
      assert.ok(Buffer.byteLength(json) < 40_000, `${Buffer.byteLength(json)} bytes`);
      const shown = (json.match(/OFB-\d{6}/g) ?? []).length;
      assert.ok(shown > 100 && shown < 500, `${shown} shown`);
      assert.match(json, new RegExp(`…and ${500 - shown} leavers more, not shown here`));
    });
  });

  describe('the card in the thread', () => {
    it('is posted once on submit and its id kept on the batch; concurrent changes update it, never post another', async () => {
      const requests = [leaver(1), leaver(2), leaver(3)];
      const s = fakeService(requests);
      const p = new RecordingProactive();
      p.sendDelayMs = 30;
      const b = new BatchProgress(p as unknown as Proactive, s.service, { progressIntervalMs: 10, sleep: noSleep });
      const submitted = b.submitted(s.state.batch);
      for (const r of requests) {
        b.changed(r.id);
      }
      await submitted;
      await wait(80);
      assert.deepEqual(p.calls.filter((c) => c.op === 'send').map((c) => c.to), [THREAD.conversation.id]);
      assert.equal(s.state.batch.teams.progressActivityId, 'act-1');
      assert.ok(p.calls.filter((c) => c.op === 'update').every((c) => c.activityId === 'act-1'));
      assert.match(text(p.calls[0]), /3 waiting/);
    });

    it('coalesces: 100 runs moving 20 times each make a few updates, showing the latest state', async () => {
      const requests = Array.from({ length: 100 }, (_, i) => leaver(i, { status: 'approved', decision: decision('approved') }));
      const s = fakeService(requests);
      s.state.batch = { ...s.state.batch, teams: { ...s.state.batch.teams, progressActivityId: 'card-1' } };
      const p = new RecordingProactive();
      const b = new BatchProgress(p as unknown as Proactive, s.service, { progressIntervalMs: 100, sleep: noSleep });
      for (let round = 0; round < 20; round++) {
        for (const r of requests) {
          s.set({ ...r, status: round === 19 ? 'stopping' : 'running' }); // (not ended: no summary here)
          b.changed(r.id);
        }
        await wait(10);
      }
      await wait(700); // 100 ms, and 4 ms a leaver
      const updates = p.calls.filter((c) => c.op === 'update');
      assert.ok(updates.length >= 1 && updates.length <= 3, `${updates.length} updates for 2000 changes`);
      assert.deepEqual(p.calls.filter((c) => c.op === 'send'), []);
      assert.match(text(updates.at(-1)), /100 stopping/);
    });

    it("the interval grows with the Bot Connector governor's wait for the thread's channel", async () => {
      const requests = [leaver(1, { status: 'running', decision: decision('approved') })];
      const updatesWith = async (waitMs: (conversation?: string) => number): Promise<number> => {
        const s = fakeService(requests);
        s.state.batch = { ...s.state.batch, teams: { ...s.state.batch.teams, progressActivityId: 'card-1' } };
        const p = new RecordingProactive();
        const asked: Array<string | undefined> = [];
        Object.assign(p, { governor: { waitEstimateMs: (_family: string, conversation?: string) => (asked.push(conversation), waitMs(conversation)) } });
        const b = new BatchProgress(p as unknown as Proactive, s.service, { progressIntervalMs: 20, sleep: noSleep });
        await b.submitted(s.state.batch);
        for (let i = 0; i < 4; i++) {
          b.changed('OFB-000001');
          await wait(60);
        }
        assert.ok(asked.includes('19:ops@thread.tacv2'), 'the channel is the conversation key');
        return p.calls.filter((c) => c.op === 'update').length;
      };
      const free = await updatesWith(() => 0);
      // 20 ms + 20 × 50 ms: one update a second at most.
      const busy = await updatesWith((conversation) => (conversation === '19:ops@thread.tacv2' ? 50 : 0));
      assert.ok(free >= 4, `${free} updates without a wait`);
      assert.ok(busy <= 2, `${busy} updates while the channel's budget is short`);
    });

    it('a restarted process finds the card on the batch through a request it had not seen, and updates it', async () => {
      const requests = [leaver(1, { status: 'running', decision: decision('approved') }), leaver(2)];
      const s = fakeService(requests);
      s.state.batch = { ...s.state.batch, teams: { ...s.state.batch.teams, progressActivityId: 'card-from-before' } };
      const p = new RecordingProactive();
      const n = new TeamsNotifier(p as unknown as Proactive, s.service, { progressIntervalMs: 10, sleep: noSleep });
      assert.equal(n.batchProgress.handles('OFB-000001'), false);
      await n.started(requests[0]!);
      await wait(50);
      assert.equal(n.batchProgress.handles('OFB-000002'), true, 'the whole batch is known now');
      n.progress('OFB-000002');
      await wait(50);
      assert.deepEqual(p.calls.map((c) => `${c.op} ${c.activityId}`), ['update card-from-before', 'update card-from-before'], 'never a second card');
      assert.match(text(p.calls[1]), /1 waiting · 1 running/);
    });

    it('a scheduled leaver of a batch gets no message of its own: the card line shows the time', async () => {
      const r = leaver(1, { status: 'scheduled', decision: decision('approved'), effectiveAt: '2026-12-05T16:00:00.000Z' });
      const s = fakeService([r]);
      s.state.batch = { ...s.state.batch, teams: { ...s.state.batch.teams, progressActivityId: 'card-1' } };
      const p = new RecordingProactive();
      const n = new TeamsNotifier(p as unknown as Proactive, s.service, { progressIntervalMs: 10, sleep: noSleep });
      await n.scheduled(r);
      await wait(50);
      assert.deepEqual(p.calls.map((c) => c.op), ['update']);
      assert.match(text(p.calls[0]), /scheduled for Sat 5 Dec 2026/);
    });
  });

  describe('the batch summary', () => {
    it('goes out once, when the last request ended: final card, channel summary, recorded on the batch and each request, a line in the thread', async () => {
      const requests = [leaver(1, { status: 'running', decision: decision('approved') }), leaver(2, { status: 'running', decision: decision('approved') })];
      const s = fakeService(requests);
      s.state.batch = { ...s.state.batch, teams: { ...s.state.batch.teams, progressActivityId: 'card-1' } };
      const p = new RecordingProactive();
      p.channelFailures = 1;
      const n = new TeamsNotifier(p as unknown as Proactive, s.service, { summaryChannelId: '19:summary@thread.tacv2', progressIntervalMs: 10, sleep: noSleep });
      const first = { ...requests[0]!, status: 'completed' as const };
      s.set(first);
      await n.ended(first);
      await wait(40);
      assert.deepEqual(p.calls.map((c) => c.op), ['update'], 'the first to end: its line only');
      const second = { ...requests[1]!, status: 'rejected' as const, decision: decision('rejected') };
      s.set(second);
      await n.ended(second);
      await n.ended(second); // told twice (a retry): still one summary
      await wait(40);
      // (The repeated ended() may update the card again, in place, with the same final lines: never a second summary.)
      assert.deepEqual(p.calls.slice(0, 5).map((c) => c.op), ['update', 'update', 'channel-failed', 'channel', 'send']);
      assert.deepEqual(p.calls.slice(5).map((c) => c.op).filter((op) => op !== 'update'), []);
      assert.match(text(p.calls[1]), /1 completed · 1 rejected/);
      const summary = text(p.calls[3]);
      assert.match(summary, /Leaver Number 1.*Completed · status OFB-000001/);
      assert.match(summary, /Leaver Number 2.*Rejected by Marcus Reed · status OFB-000002/);
      assert.match(String(p.calls[4]!.activity.text), /^<at>Isaac Ito<\/at>, BAT-AAAAAA: every request of the batch has ended \(1 completed · 1 rejected\)\. The summary is in the offboarding channel\./);
      assert.deepEqual(s.recorded.map((r) => r.id), ['BAT-AAAAAA', 'OFB-000001', 'OFB-000002']);
      assert.ok(s.recorded.every((r) => typeof (r.outcome as { postedAt?: string }).postedAt === 'string'));
    });

    it('100 requests ending at once: the summary is claimed once by the update that finds them all ended, not once per request', async () => {
      const requests = Array.from({ length: 100 }, (_, i) => leaver(i, { status: 'running', decision: decision('approved') }));
      const s = fakeService(requests);
      s.state.batch = { ...s.state.batch, teams: { ...s.state.batch.teams, progressActivityId: 'card-1' } };
      const p = new RecordingProactive();
      const b = new BatchProgress(p as unknown as Proactive, s.service, { summaryChannelId: '19:summary@thread.tacv2', progressIntervalMs: 10, sleep: noSleep });
      b.changed('OFB-000000');
      await wait(30);
      for (const r of requests) {
        const ended = { ...r, status: 'completed' as const };
        s.set(ended);
        await b.ended(ended);
      }
      await wait(600);
      assert.equal(s.state.claims, 1);
      assert.deepEqual(p.calls.filter((c) => c.op !== 'update').map((c) => c.op), ['channel', 'send']);
      assert.match(text(p.calls.filter((c) => c.op === 'update').at(-1)), /100 completed/);
    });

    it('a summary claimed by a process that died before posting it goes out at start-up; a posted one is left alone', async () => {
      const r = leaver(1, { status: 'completed', decision: decision('approved') });
      const s = fakeService([r]);
      s.state.batch = { ...s.state.batch, summary: { claimedAt: '2026-11-27T12:00:00.000Z' } };
      const p = new RecordingProactive();
      const b = new BatchProgress(p as unknown as Proactive, s.service, { summaryChannelId: '19:summary@thread.tacv2', sleep: noSleep });
      await b.resumeSummary('BAT-AAAAAA');
      assert.deepEqual(p.calls.map((c) => c.op), ['channel', 'send']);
      assert.deepEqual(s.recorded.map((x) => x.id), ['BAT-AAAAAA', 'OFB-000001']);
      s.state.batch = { ...s.state.batch, summary: { claimedAt: '2026-11-27T12:00:00.000Z', postedAt: '2026-11-27T12:00:01.000Z' } };
      await b.resumeSummary('BAT-AAAAAA');
      assert.equal(p.calls.length, 2);
    });

    it('without a reachable summary channel, the whole summary goes to the thread, and the failure is recorded', async () => {
      const r = leaver(1, { status: 'completed', decision: decision('approved') });
      const s = fakeService([r]);
      s.state.batch = { ...s.state.batch, teams: { ...s.state.batch.teams, progressActivityId: 'card-1' } };
      const p = new RecordingProactive();
      p.channelFailures = 5;
      await new BatchProgress(p as unknown as Proactive, s.service, { summaryChannelId: '19:summary@thread.tacv2', progressIntervalMs: 10, sleep: noSleep }).ended(r);
      await wait(40);
      assert.deepEqual(p.calls.map((c) => c.op), ['update', 'channel-failed', 'channel-failed', 'channel-failed', 'send', 'send']);
      assert.match(text(p.calls[4]), /Batch BAT-AAAAAA: 1 leaver, every request ended/);
      assert.match(String((s.recorded[0]!.outcome as { error: string }).error), /attempt 3: 503/);
    });
    it('without a summary channel: the summary goes to the thread once, recorded as posted; a restarted process posts nothing more', async () => {
      const r = leaver(1, { status: 'completed', decision: decision('approved') });
      const s = fakeService([r]);
      s.state.batch = { ...s.state.batch, teams: { ...s.state.batch.teams, progressActivityId: 'card-1' } };
      const p = new RecordingProactive();
      await new TeamsNotifier(p as unknown as Proactive, s.service, { progressIntervalMs: 10, sleep: noSleep }).ended(r);
      await wait(40);
      assert.deepEqual(p.calls.map((c) => c.op), ['update', 'send', 'send']);
      assert.match(text(p.calls[1]), /Batch BAT-AAAAAA: 1 leaver, every request ended/);
      assert.deepEqual(s.recorded.map((x) => x.id), ['BAT-AAAAAA', 'OFB-000001']);
      assert.equal(typeof s.state.batch.summary?.postedAt, 'string');
      // A restart: start-up asks again (claimed or not); nothing more is posted.
      const restarted = new TeamsNotifier(p as unknown as Proactive, s.service, { progressIntervalMs: 10, sleep: noSleep });
      await restarted.batchSummaryDue('BAT-AAAAAA', r.id, true);
      await restarted.batchSummaryDue('BAT-AAAAAA', r.id, false);
      await wait(40);
      assert.deepEqual(p.calls.slice(3).filter((c) => c.op !== 'update'), []);
      assert.equal(s.state.claims, 1);
    });
  });

  describe('cancel <batch id>', () => {
    it('answers a line per request (cancelled, stopping, refused with the reason) and the counts; many are counted', () => {
      const batch = batchOf([]);
      const reply = batchCancelReply({
        ok: true,
        batch,
        outcomes: [
          { requestId: 'OFB-000001', leaver: 'Jane Doe', outcome: 'cancelled' },
          { requestId: 'OFB-000002', leaver: 'Diego Santos', outcome: 'stopping' },
          { requestId: 'OFB-000003', leaver: 'Elena Fischer', outcome: 'refused', reason: 'Only the requester or an operator can cancel OFB-000003.' },
        ],
      });
      assert.deepEqual(reply.split('\n\n'), [
        'BAT-AAAAAA: 1 cancelled, 1 stopping, 1 not cancelled.',
        '🚫 OFB-000001 (Jane Doe): cancelled, nothing was changed in Microsoft 365',
        '⏹ OFB-000002 (Diego Santos): stopping — no new step starts, the steps in flight finish, then it ends as stopped',
        '✋ OFB-000003 (Elena Fischer): not cancelled — Only the requester or an operator can cancel OFB-000003.',
      ]);
      const many = batchCancelReply({ ok: true, batch, outcomes: Array.from({ length: 500 }, (_, i) => ({ requestId: `OFB-${String(i).padStart(6, '0')}`, leaver: `Leaver ${i}`, outcome: 'cancelled' as const })) });
      assert.match(many, /^BAT-AAAAAA: 500 cancelled, 0 stopping, 0 not cancelled\./);
      assert.equal(many.split('\n\n').length, 102);
      assert.match(many, /…and 400 more \(`status BAT-AAAAAA` shows every request\)\.$/);
      assert.ok(Buffer.byteLength(many) < 20_000);
    });
  });
});
