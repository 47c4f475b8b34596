// The notifier with a recording Proactive: how approval cards reach approvers (1:1, install then retry, thread with a
// mention) and what each delivery's outcome is, how the requester is told when nobody can be reached, progress
// coalescing, and the summary post retried and recorded.
import assert from 'node:assert/strict';
import type { Activity, ConversationReference } from 'botbuilder';
import type { RunView } from '../../src/offboarding/executor';
import type { DeliveryOutcome } from '../../src/offboarding/housekeeping';
import type { OffboardingRequest } from '../../src/offboarding/requests';
import type { OffboardingService } from '../../src/offboarding/service';
import { TeamsNotifier } from '../../src/teams/notifier';
import type { PersonalChats } from '../../src/teams/personal-chats';
import type { Posted, Proactive } from '../../src/teams/proactive';
import { sampleRequest } from './sample-request';

type Call = { op: string; to?: string; activityId?: string; activity: Partial<Activity> };

class RecordingProactive {
  calls: Call[] = [];
  personal: (userId: string) => 'ok' | 403 | 503 = () => 'ok';
  channelFailures = 0;
  /** Thread posts fail while true (Teams down for that conversation). */
  threadDown = false;
  send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> {
    if (this.threadDown) {
      this.calls.push({ op: 'send-failed', to: reference.conversation?.id, activity });
      return Promise.reject(Object.assign(new Error('Service Unavailable'), { statusCode: 503 }));
    }
    this.calls.push({ op: 'send', to: reference.conversation?.id, activity });
    return Promise.resolve(`act-${this.calls.length}`);
  }
  update(reference: Partial<ConversationReference>, activityId: string, activity: Partial<Activity>): Promise<void> {
    this.calls.push({ op: 'update', to: reference.conversation?.id, activityId, activity });
    return Promise.resolve();
  }
  sendPersonal(_s: string, _t: string, userId: string, _b: unknown, activity: Partial<Activity>): Promise<Posted> {
    const status = this.personal(userId);
    if (status !== 'ok') {
      this.calls.push({ op: `personal-${status}`, to: userId, activity });
      return Promise.reject(Object.assign(new Error(status === 403 ? 'Forbidden' : 'Service Unavailable'), { statusCode: status }));
    }
    this.calls.push({ op: 'personal', to: userId, activity });
    return Promise.resolve({ reference: { conversation: { id: `a:${userId}` } as never }, activityId: `card-${userId}` });
  }
  postToChannel(_s: string, _t: string, channelId: string, activity: Partial<Activity>): Promise<Posted> {
    if (this.channelFailures-- > 0) {
      this.calls.push({ op: 'channel-failed', to: channelId, activity });
      return Promise.reject(new Error('503 Service Unavailable'));
    }
    this.calls.push({ op: 'channel', to: channelId, activity });
    return Promise.resolve({ reference: {}, activityId: 'summary' });
  }
}

const request = (over: Partial<OffboardingRequest> = {}) => sampleRequest(over);

function fakeService(r: OffboardingRequest) {
  const recorded: Array<OffboardingRequest['summary']> = [];
  const installs: string[] = [];
  const rounds: Array<Record<string, DeliveryOutcome>> = [];
  let current = r;
  /** What service.approvalMayGoToThread answers (the originating thread may show the card: a channel the leaver isn't in). */
  const thread = { allowed: true, asked: 0 };
  const service = {
    approvalMayGoToThread: () => (thread.asked++, Promise.resolve(thread.allowed)),
    installAppFor: (userId: string) => (installs.push(userId), Promise.resolve('installed')),
    annotate: (_id: string, change: (t: Record<string, unknown>) => Record<string, unknown>) => ((current = { ...current, teams: change(current.teams) }), Promise.resolve(current)),
    get: () => Promise.resolve(current),
    list: () => Promise.resolve([current]),
    runView: () => Promise.resolve(undefined),
    recordSummary: (_id: string, s: OffboardingRequest['summary']) => (recorded.push(s), Promise.resolve()),
    approvalsDelivered: (_r: OffboardingRequest, outcomes: Record<string, DeliveryOutcome>) => (rounds.push(outcomes), Promise.resolve()),
  } as unknown as OffboardingService;
  /** A decision lands in the store (as OffboardingService.decide would). */
  const decide = (decision: NonNullable<OffboardingRequest['decision']>) => {
    current = { ...current, status: decision.outcome, decision };
  };
  return { service, recorded, installs, rounds, current: () => current, decide, thread };
}

const noSleep = () => Promise.resolve();

describe('teams notifier', () => {
  it('sends the approval card in a 1:1 chat, after the plan preview in the thread', async () => {
    const p = new RecordingProactive();
    const s = fakeService(request());
    await new TeamsNotifier(p as unknown as Proactive, s.service, { teamsAppId: 'app', sleep: noSleep }).requested(request());
    assert.deepEqual(p.calls.map((c) => c.op), ['send', 'personal']);
    assert.match(JSON.stringify(p.calls[0]!.activity), /Offboarding plan for Jane Doe/);
    assert.deepEqual(s.installs, []);
    assert.deepEqual((s.current().teams.approvals as Array<{ where: string }>).map((a) => a.where), ['1:1']);
    assert.deepEqual(s.rounds, [{ ben: 'delivered' }], 'the outcome goes back to the service');
  });

  it('prefers the 1:1 chat the approver last wrote from (its own serviceUrl) to opening one by Entra id', async () => {
    const p = new RecordingProactive();
    const s = fakeService(request());
    const stored = { serviceUrl: 'http://localhost:56151/_connector', conversation: { id: 'a:personal-ben' } } as never;
    const asked: string[] = [];
    const personalChats = { get: (tenant: string, id: string) => (asked.push(`${tenant}/${id}`), Promise.resolve(id === 'ben' ? stored : undefined)) } as unknown as PersonalChats;
    await new TeamsNotifier(p as unknown as Proactive, s.service, { teamsAppId: 'app', sleep: noSleep, personalChats }).requested(request());
    assert.deepEqual(asked, ['t/ben']);
    assert.deepEqual(p.calls.map((c) => `${c.op} ${c.to}`), ['send thread-1', 'send a:personal-ben']);
    const approvals = s.current().teams.approvals as Array<{ where: string; reference: unknown; activityId: string }>;
    assert.deepEqual(approvals.map((a) => [a.where, a.reference, a.activityId]), [['1:1', stored, 'act-2']]);
  });

  it('opens the chat by Entra id when the stored 1:1 chat refuses the card', async () => {
    const p = new RecordingProactive();
    const s = fakeService(request());
    const personalChats = { get: () => Promise.resolve({ serviceUrl: 'http://gone/', conversation: { id: 'a:stale' } }) } as unknown as PersonalChats;
    const send = p.send.bind(p);
    p.send = (reference, activity) => (reference.conversation?.id === 'a:stale' ? Promise.reject(Object.assign(new Error('Forbidden'), { statusCode: 403 })) : send(reference, activity));
    await new TeamsNotifier(p as unknown as Proactive, s.service, { teamsAppId: 'app', sleep: noSleep, personalChats }).requested(request());
    assert.deepEqual(p.calls.map((c) => c.op), ['send', 'personal']);
    assert.deepEqual((s.current().teams.approvals as Array<{ where: string }>).map((a) => a.where), ['1:1']);
  });

  it('on 403 installs the app through Graph and tries again', async () => {
    const p = new RecordingProactive();
    let installed = false;
    p.personal = () => (installed ? 'ok' : 403);
    const s = fakeService(request());
    const original = s.service.installAppFor.bind(s.service);
    s.service.installAppFor = (id: string, app: string) => ((installed = true), original(id, app));
    await new TeamsNotifier(p as unknown as Proactive, s.service, { teamsAppId: 'app', sleep: noSleep }).requested(request());
    assert.deepEqual(p.calls.map((c) => c.op), ['send', 'personal-403', 'personal']);
    assert.deepEqual(s.installs, ['ben']);
  });

  it('falls back to the thread with an @mention when the chat still fails', async () => {
    const p = new RecordingProactive();
    p.personal = () => 403;
    const s = fakeService(request());
    await new TeamsNotifier(p as unknown as Proactive, s.service, { teamsAppId: 'app', installRetryMs: 0, sleep: noSleep }).requested(request());
    // One message: the mention and the card together, so the card (kept by its id) is what mentions the approver.
    const fallback = p.calls.at(-1)!;
    assert.equal(fallback.op, 'send');
    assert.equal(fallback.to, 'thread-1');
    assert.match(String(fallback.activity.text), /<at>Ben Carter<\/at>, please approve or reject OFB-TEST01/);
    assert.deepEqual((fallback.activity.entities as unknown as Array<{ mentioned: { id: string } }>)[0]!.mentioned.id, 'ben');
    assert.match(JSON.stringify(fallback.activity.attachments), /offboard\.approve/);
    assert.equal(p.calls.filter((c) => c.op === 'send').length, 2, 'the plan preview, then the card with the mention');
    assert.deepEqual((s.current().teams.approvals as Array<{ where: string }>).map((a) => a.where), ['thread']);
    assert.deepEqual(s.rounds, [{ ben: 'delivered' }], 'a card in the thread is a delivered card');
  });

  describe("an approver's 1:1 chat becomes known after their card reached only the thread", () => {
    const inThread = { approverId: 'ben', reference: { conversation: { id: 'thread-1' } }, activityId: 'thread-card', where: 'thread' };
    const stored = { serviceUrl: 'http://localhost:56151/_connector', conversation: { id: 'a:personal-ben' } };
    const chats = (known: Record<string, unknown>) => ({ get: (_t: string, id: string) => Promise.resolve(known[id]) }) as unknown as PersonalChats;

    it('sends the waiting card to that chat too, records it as a 1:1 card and tells the service', async () => {
      const p = new RecordingProactive();
      const r = request({ teams: { ...request().teams, approvals: [inThread] } });
      const s = fakeService(r);
      await new TeamsNotifier(p as unknown as Proactive, s.service, { sleep: noSleep, personalChats: chats({ ben: stored }) }).personalChatOpened('t', 'ben');
      assert.deepEqual(p.calls.map((c) => `${c.op} ${c.to}`), ['send a:personal-ben']);
      assert.match(JSON.stringify(p.calls[0]!.activity.attachments), /offboard\.approve/);
      assert.deepEqual((s.current().teams.approvals as Array<{ where: string }>).map((a) => a.where), ['thread', '1:1']);
      assert.deepEqual(s.rounds, [{ ben: 'delivered' }]);
    });

    it('leaves alone another tenant, another approver, a decided request and one whose card reached them in a 1:1 chat', async () => {
      const cases: Array<[string, string, OffboardingRequest]> = [
        ['other-tenant', 'ben', request({ teams: { ...request().teams, approvals: [inThread] } })],
        ['t', 'marcus', request({ teams: { ...request().teams, approvals: [inThread] } })],
        ['t', 'ben', request({ status: 'approved', teams: { ...request().teams, approvals: [inThread] } })],
        ['t', 'ben', request({ teams: { ...request().teams, approvals: [inThread, { ...inThread, where: '1:1', activityId: 'c' }] } })],
      ];
      for (const [tenant, user, r] of cases) {
        const p = new RecordingProactive();
        const s = fakeService(r);
        await new TeamsNotifier(p as unknown as Proactive, s.service, { sleep: noSleep, personalChats: chats({ ben: stored, marcus: stored }) }).personalChatOpened(tenant, user);
        assert.deepEqual(p.calls, [], `${tenant} ${user} ${r.status}`);
        assert.deepEqual(s.rounds, []);
      }
    });

    it('never opens a chat, installs the app or posts in the thread for it', async () => {
      const p = new RecordingProactive();
      const r = request({ teams: { ...request().teams, approvals: [inThread] } });
      const s = fakeService(r);
      await new TeamsNotifier(p as unknown as Proactive, s.service, { teamsAppId: 'app', sleep: noSleep, personalChats: chats({}) }).personalChatOpened('t', 'ben');
      assert.deepEqual(p.calls, []);
      assert.deepEqual(s.installs, []);
    });
  });

  it('no thread fallback where the thread may not show the card (a 1:1 or group chat, a channel the leaver is in): a failure', async () => {
    const p = new RecordingProactive();
    p.personal = () => 403;
    const s = fakeService(request());
    s.thread.allowed = false;
    await new TeamsNotifier(p as unknown as Proactive, s.service, { teamsAppId: 'app', installRetryMs: 0, sleep: noSleep }).requested(request());
    assert.equal(s.thread.asked, 1);
    assert.deepEqual(p.calls.filter((c) => c.op === 'send').length, 1, 'only the plan preview: no approval card in the thread');
    assert.ok(!p.calls.some((c) => /please approve or reject/.test(String(c.activity.text))));
    assert.equal(s.current().teams.approvals, undefined);
    assert.deepEqual(s.rounds, [{ ben: 'failed' }]);
  });

  it('no 1:1 chat and no thread: the approver has no card, and the service hears it was a failure', async () => {
    const p = new RecordingProactive();
    p.personal = () => 503;
    p.threadDown = true;
    const s = fakeService(request());
    await new TeamsNotifier(p as unknown as Proactive, s.service, { teamsAppId: 'app', sleep: noSleep }).requested(request());
    assert.deepEqual(p.calls.map((c) => c.op), ['send-failed', 'personal-503', 'send-failed'], 'the preview, the chat (503: no install), the thread');
    assert.deepEqual(s.installs, []);
    assert.deepEqual(s.rounds, [{ ben: 'failed' }]);
    assert.equal(s.current().teams.approvals, undefined);
  });

  it('approvers without a card are read from the stored references; one approver is never delivered to twice at once here', async () => {
    const approvers = [
      { id: 'amara', displayName: 'Amara Okafor', role: 'approvers-group' as const },
      { id: 'ben', displayName: 'Ben Carter', role: 'approvers-group' as const },
    ];
    const r = request({ approvers, teams: { ...request().teams, approvals: [{ approverId: 'amara', reference: {}, activityId: 'card-amara', where: '1:1' }] } });
    const p = new RecordingProactive();
    const s = fakeService(r);
    const n = new TeamsNotifier(p as unknown as Proactive, s.service, { sleep: noSleep });
    assert.deepEqual(n.approversWithoutCard(r), ['ben']);
    const both = await Promise.all([n.deliverApprovals(r, ['ben']), n.deliverApprovals(r, ['ben'])]);
    assert.deepEqual(both, [{ ben: 'delivered' }, { ben: 'skipped' }]);
    assert.deepEqual(p.calls.map((c) => `${c.op} ${c.to}`), ['personal ben'], 'no plan preview when cards are sent again');
    assert.deepEqual(n.approversWithoutCard(s.current()), []);
  });

  it('tells the requester in the thread with a mention; else in a 1:1 chat; says what happened, that it keeps trying, how to cancel', async () => {
    const r = request();
    const p = new RecordingProactive();
    const n = new TeamsNotifier(p as unknown as Proactive, fakeService(r).service, { sleep: noSleep });
    assert.equal(await n.tellRequester(r, 'nobody-reachable'), 'thread');
    const told = p.calls[0]!;
    assert.equal(told.to, 'thread-1');
    assert.match(String(told.activity.text), /^<at>Isaac Ito<\/at>, I couldn't get the approval card for OFB-TEST01 \(offboarding Jane Doe\) to Ben Carter/);
    assert.match(String(told.activity.text), /I keep trying/);
    assert.match(String(told.activity.text), /`cancel OFB-TEST01`/);
    assert.equal((told.activity.entities as unknown as Array<{ mentioned: { id: string } }>)[0]!.mentioned.id, 'isaac');

    const q = new RecordingProactive();
    q.threadDown = true;
    const m = new TeamsNotifier(q as unknown as Proactive, fakeService(r).service, { sleep: noSleep });
    assert.equal(await m.tellRequester(r, 'nobody-reachable'), '1:1');
    assert.deepEqual(q.calls.map((c) => `${c.op} ${c.to}`), ['send-failed thread-1', 'personal isaac']);
    assert.match(String(q.calls[1]!.activity.text), /^Isaac Ito, I couldn't get the approval card .*`cancel OFB-TEST01`/);

    q.personal = () => 503;
    assert.equal(await m.tellRequester(r, 'nobody-reachable'), undefined, 'nowhere: the caller tries again later');

    const withdrawn = request({ status: 'withdrawn', withdrawn: { at: '2026-11-27T10:01:00.000Z', reason: 'the bot stopped while opening it, before anyone was asked to approve' } });
    assert.equal(await n.tellRequester(withdrawn, 'withdrawn'), 'thread');
    assert.match(String(p.calls.at(-1)!.activity.text), /OFB-TEST01 \(offboarding Jane Doe\) was withdrawn: the bot stopped while opening it.*`offboard Jane Doe`/);
  });

  it('reaches every approver at once; a decision made meanwhile stops the slow one and turns a late card into the decision', async () => {
    const approvers = [
      { id: 'amara', displayName: 'Amara Okafor', role: 'approvers-group' as const },
      { id: 'ben', displayName: 'Ben Carter', role: 'approvers-group' as const },
      { id: 'cleo', displayName: 'Cleo Park', role: 'approvers-group' as const },
    ];
    const r = request({ approvers });
    const s = fakeService(r);
    const decide = () => s.decide({ by: { id: 'amara', displayName: 'Amara Okafor' }, at: '2026-11-27T10:01:00.000Z', outcome: 'approved' });
    const p = new RecordingProactive();
    // Ben lacks the app and stays unreachable; Cleo's chat opens just as Amara approves.
    p.personal = (id) => {
      if (id === 'cleo') {
        decide();
      }
      return id === 'ben' ? 403 : 'ok';
    };
    let waits = 0;
    const sleep = () => (waits++, Promise.resolve());
    await new TeamsNotifier(p as unknown as Proactive, s.service, { teamsAppId: 'app', installRetryMs: 60_000, sleep }).requested(r);
    assert.deepEqual(
      p.calls.filter((c) => c.op === 'personal' || c.op === 'personal-403').map((c) => `${c.op} ${c.to}`),
      ['personal amara', 'personal-403 ben', 'personal cleo'],
      'all three tried before any of them answered',
    );
    assert.equal(waits, 1, 'Ben: one wait after installing, then the decision stops the retries');
    assert.ok(!p.calls.some((c) => c.op === 'send' && c.to === 'thread-1' && /Ben Carter/.test(String(c.activity.text))), 'no fallback card for a decided request');
    const cleoUpdate = p.calls.find((c) => c.op === 'update' && c.activityId === 'card-cleo');
    assert.ok(cleoUpdate, "Cleo's card, sent after the decision, shows it at once");
    assert.match(JSON.stringify(cleoUpdate.activity), /Approved by Amara Okafor/);
    assert.deepEqual((s.current().teams.approvals as Array<{ approverId: string }>).map((a) => a.approverId).sort(), ['amara', 'cleo']);
    assert.deepEqual(s.rounds, [{ amara: 'delivered', ben: 'skipped', cleo: 'delivered' }], 'decided meanwhile: not a failure');
  });

  it('a failed progress card post does not stop the run; the next update posts it', async () => {
    const p = new RecordingProactive();
    const r = request({ status: 'running' });
    const s = fakeService(r);
    const send = p.send.bind(p);
    let down = true;
    p.send = (ref, activity) => (down ? Promise.reject(Object.assign(new Error('Bad Gateway'), { statusCode: 502 })) : send(ref, activity));
    const n = new TeamsNotifier(p as unknown as Proactive, s.service, { progressIntervalMs: 10, sleep: noSleep });
    await n.started(r); // resolves although Teams is down
    assert.equal(s.current().teams.progressActivityId, undefined);
    down = false;
    s.service.runView = () => Promise.resolve(undefined);
    n.progress(r.id);
    await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(p.calls.map((c) => c.op), ['send']);
    assert.match(JSON.stringify(p.calls[0]!.activity), /Offboarding Jane Doe|Jane Doe/);
    assert.ok(s.current().teams.progressActivityId);
  });

  it('a decision superseded before its follow-up ran (approved, then cancelled) leaves the cards to the newer one', async () => {
    const p = new RecordingProactive();
    const approved = request({ status: 'approved', decision: { by: { id: 'ben', displayName: 'Ben Carter' }, at: '2026-11-27T10:01:00.000Z', outcome: 'approved' } });
    const s = fakeService({ ...approved, status: 'cancelled', teams: { ...approved.teams, approvals: [{ approverId: 'ben', reference: {}, activityId: 'card-ben', where: '1:1' }] } });
    await new TeamsNotifier(p as unknown as Proactive, s.service, { sleep: noSleep }).decided(approved);
    assert.deepEqual(p.calls, []);
  });

  it('posts the progress card once per run, even when the connector gives it no id', async () => {
    const p = new RecordingProactive();
    p.send = (ref, activity) => (p.calls.push({ op: 'send', to: ref.conversation?.id, activity }), Promise.resolve(''));
    const r = request({ status: 'running' });
    const s = fakeService(r);
    const n = new TeamsNotifier(p as unknown as Proactive, s.service, { progressIntervalMs: 5, sleep: noSleep });
    await n.started(r);
    for (let i = 0; i < 3; i++) {
      n.progress(r.id);
      await new Promise((res) => setTimeout(res, 20));
    }
    assert.deepEqual(p.calls.map((c) => c.op), ['send']);
  });

  it('coalesces progress updates to the interval, and the last one wins', async () => {
    const p = new RecordingProactive();
    const r = request({ status: 'running', teams: { ...request().teams, progressActivityId: 'progress-1' } });
    const s = fakeService(r);
    const n = new TeamsNotifier(p as unknown as Proactive, s.service, { progressIntervalMs: 100, sleep: noSleep });
    const view = (done: number): RunView => ({ run: { id: r.id, requestId: r.id, plan: r.plan, people: { leaver: r.leaver, inheritor: r.inheritor }, status: 'running', startedAt: r.createdAt, attempt: 1 }, steps: r.plan.steps.slice(0, done).map((st) => ({ kind: st.kind, status: 'done', counts: { total: 1, done: 1, failed: 0, skipped: 0 }, attempts: 1 })) });
    let done = 0;
    s.service.runView = () => Promise.resolve(view(done));
    for (let i = 1; i <= 20; i++) {
      done = i;
      n.progress(r.id);
    }
    await new Promise((res) => setTimeout(res, 350));
    const updates = p.calls.filter((c) => c.op === 'update');
    assert.ok(updates.length >= 1 && updates.length <= 2, `${updates.length} updates`);
    assert.match(JSON.stringify(updates.at(-1)!.activity), /20 of 28 steps finished/);
  });

  it('retries a failed summary post and records the outcome', async () => {
    const p = new RecordingProactive();
    p.channelFailures = 2;
    const r = request({ status: 'rejected', decision: { by: { id: 'ben', displayName: 'Ben Carter' }, at: '2026-11-27T11:00:00.000Z', outcome: 'rejected' } });
    const s = fakeService(r);
    await new TeamsNotifier(p as unknown as Proactive, s.service, { summaryChannelId: '19:summary@thread.tacv2', sleep: noSleep }).ended(r);
    assert.deepEqual(p.calls.map((c) => c.op), ['channel-failed', 'channel-failed', 'channel']);
    assert.ok(s.recorded[0]?.postedAt);

    const q = new RecordingProactive();
    q.channelFailures = 5;
    const t = fakeService(r);
    await new TeamsNotifier(q as unknown as Proactive, t.service, { summaryChannelId: '19:summary@thread.tacv2', sleep: noSleep }).ended(r);
    assert.deepEqual(q.calls.map((c) => c.op), ['channel-failed', 'channel-failed', 'channel-failed', 'send']);
    assert.match(t.recorded[0]?.error ?? '', /attempt 3: 503/);
  });
});
