// Reinstate on the Teams side, against a fake of the reinstatement use case (the domain's is written elsewhere): the
// command's answers, the card, the submit's validation, and the Temporary Access Pass shown once, to the requester
// only, in the click's answer and nowhere else (not in a sent activity, not in a log line).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { Activity, ConversationReference } from 'botbuilder';
import { createLogger } from '../../src/logger';
import type { ReinstateSubmitInput, ReinstatementUseCase } from '../../src/offboarding/reinstate/use-case';
import type { Actor, OffboardingRequest } from '../../src/offboarding/requests';
import type { OffboardingService } from '../../src/offboarding/service';
import { renderReinstateCard } from '../../src/teams/cards';
import { TeamsNotifier } from '../../src/teams/notifier';
import type { Posted, Proactive } from '../../src/teams/proactive';
import { VERBS } from '../../src/teams/verbs';
import { approvalCardData, reinstateCardData, summaryCardData, statusCardData } from '../../src/teams/view';
import { actionsOf, BotHarness, cardOf, inputsOf, textOf } from './harness';
import { GROUPS, reinstatePlan, reinstatePreview, reinstatementRequest } from './reinstate-samples';

const PASS = 'Zq7$Secret!Pass';

/** The use case as a fake: records calls; showPass answers the requester only, once. */
function fakeUseCase(requesterId: () => string) {
  const calls = { prepare: [] as string[], submit: [] as ReinstateSubmitInput[], showPass: [] as string[] };
  let held = true;
  const useCase: ReinstatementUseCase = {
    prepare: (_by, query) => {
      calls.prepare.push(query);
      return Promise.resolve(query === 'OFB-GONE01' ? { ok: false, reason: 'OFB-GONE01 ended more than 30 days ago: it can no longer be reinstated. Nothing was changed.' } : { ok: true, preview: reinstatePreview() });
    },
    submit: (input) => {
      calls.submit.push(input);
      return Promise.resolve({ ok: true, request: reinstatementRequest({ requester: input.requester }), preview: reinstatePreview() });
    },
    showPass: (requestId, by: Actor) => {
      calls.showPass.push(requestId);
      if (by.id !== requesterId()) {
        return Promise.resolve({ ok: false, reason: `There is no offboarding request ${requestId}.` });
      }
      if (!held) {
        return Promise.resolve({ ok: false, reason: 'The pass was shown already.' });
      }
      held = false;
      return Promise.resolve({ ok: true, request: reinstatementRequest({ requester: by }), pass: { pass: PASS, expiresAt: '2099-01-01T10:00:00.000Z', usableOnce: true } });
    },
  };
  return { useCase, calls };
}

const texts = (card: unknown): string[] => {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      n.forEach(walk);
    } else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'TextBlock') {
        out.push(String(o.text));
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
};

describe('reinstate: the card', () => {
  it('lists what will be restored (targets cut after a few), what is back, and what can not be restored', () => {
    const card = renderReinstateCard(reinstateCardData(reinstatePreview(), 'Europe/London')).content as Record<string, unknown>;
    const all = texts(card);
    assert.ok(all.includes('Reinstate Jane Doe'));
    assert.ok(all.some((t) => t.startsWith('Undoes OFB-TEST01, completed on 28 Nov 2026')), all.join('\n'));
    assert.ok(all.includes('What will be restored'));
    assert.ok(all.includes(`• Rejoin ${GROUPS.length} groups`));
    assert.ok(all.includes('Group 1, Group 2, Group 3, Group 4, Group 5 and 4 more'), all.join('\n'));
    assert.ok(all.includes('⏭️ Restore the deleted account: the account was never deleted'));
    assert.ok(all.includes("What can't be restored"));
    assert.ok(all.some((t) => t.startsWith('• Litigation hold — left on')));
    assert.ok(all.includes('⚠️ No free seats of Microsoft 365 E3: assign one by hand.'));
    assert.ok(all.includes('• Re-enable the user in on-premises AD.'));
    assert.match(JSON.stringify(card), /Marcus Reed \(manager\)/);
  });

  it('has the reason input, the toggle only when groups were handed over, and the submit with the offboarding id', () => {
    const card = renderReinstateCard(reinstateCardData(reinstatePreview())).content as Record<string, unknown>;
    const inputs = inputsOf(card);
    assert.deepEqual([...inputs.keys()], ['reason', 'removeHandovers']);
    assert.equal(inputs.get('reason')!.maxLength, 500);
    assert.equal(inputs.get('removeHandovers')!.value, 'false');
    assert.equal(inputs.get('removeHandovers')!.title, 'Also remove the ownerships and memberships the offboarding gave Marcus Reed in 2 groups');
    assert.deepEqual(actionsOf(card).map((a) => [a.verb, a.data]), [[VERBS.reinstateSubmit, { requestId: 'OFB-TEST01' }]]);
    const none = renderReinstateCard(reinstateCardData(reinstatePreview({ handedOverGroups: 0 }))).content as Record<string, unknown>;
    assert.deepEqual([...inputsOf(none).keys()], ['reason']);
  });

  it('shows the refusals and has no submit when the plan refuses', () => {
    const card = renderReinstateCard(reinstateCardData(reinstatePreview({ plan: reinstatePlan({ refusals: ['The account was deleted more than 30 days ago.'] }) }))).content as Record<string, unknown>;
    assert.ok(texts(card).includes("Can't reinstate"));
    assert.ok(texts(card).includes('The account was deleted more than 30 days ago.'));
    assert.deepEqual(actionsOf(card), []);
    assert.equal(inputsOf(card).size, 0);
  });

  it('approval, summary and status read as a reinstatement', () => {
    const r = reinstatementRequest();
    const approval = approvalCardData(r);
    assert.equal(approval.title, 'Reinstate Jane Doe (RST-TEST01, undoes OFB-TEST01)');
    assert.deepEqual(approval.facts.map((f) => f.title), ['Reinstating', 'Undoes', 'Requested by', 'Approver', 'Reason or ticket']);
    assert.equal(approval.notRestorable?.length, 2);
    assert.deepEqual(approval.steps.map((s) => s.title).slice(0, 2), ['Unblock sign-in', 'Create a Temporary Access Pass']);
    const summary = summaryCardData({ ...r, status: 'completed' });
    assert.match(summary.title, /^Reinstate Jane Doe, undoes OFB-TEST01 \(RST-TEST01\): Completed$/);
    assert.ok(summary.notRestored?.some((l) => l.startsWith('3 MFA methods — ')));
    assert.equal(statusCardData([r]).requests[0]!.title, 'RST-TEST01: reinstate Jane Doe');
  });
});

describe('reinstate: in Teams', function () {
  this.timeout(20_000);
  const h = new BotHarness();
  const lines: string[] = [];
  let fake: ReturnType<typeof fakeUseCase>;

  before(async () => {
    const destination = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) });
    await h.start({}, { logger: createLogger({ level: 'debug', destination }) });
  });
  after(() => h.stop());
  beforeEach(() => {
    fake = fakeUseCase(() => h.people.isaac.id);
    (h.bot.service as { reinstatements: ReinstatementUseCase }).reinstatements = fake.useCase;
  });

  it('`reinstate` alone answers with the usage; a refusal answers with its reason', async () => {
    assert.match(textOf((await h.say(h.people.isaac, 'reinstate'))[0]), /Usage: \*\*reinstate\*\*/);
    assert.deepEqual(fake.calls.prepare, []);
    const refused = await h.say(h.people.isaac, 'reinstate OFB-GONE01');
    assert.match(textOf(refused[0]), /ended more than 30 days ago: it can no longer be reinstated. Nothing was changed./);
    assert.deepEqual(fake.calls.prepare, ['OFB-GONE01']);
  });

  it('answers with the reinstatement card', async () => {
    const [reply] = await h.say(h.people.isaac, 'reinstate jane.doe@contoso.com');
    const card = cardOf(reply!.activity);
    assert.deepEqual(actionsOf(card).map((a) => [a.verb, a.data]), [[VERBS.reinstateSubmit, { requestId: 'OFB-TEST01' }]]);
  });

  it('a bad submit gets a clear reply and calls nothing', async () => {
    const bad = async (data: Record<string, unknown>) => String((await h.click(h.people.isaac, VERBS.reinstateSubmit, data, 'card')).value);
    assert.match(await bad({}), /requestId.*missing. Nothing was changed./);
    assert.match(await bad({ requestId: 'RST-AAAAAA' }), /requestId must be a request id like OFB-7K3Q9P. Nothing was changed./);
    assert.match(await bad({ requestId: 'OFB-TEST01', reason: 'x'.repeat(501) }), /the reason is longer than 500 characters. Nothing was changed./);
    assert.match(await bad({ requestId: 'OFB-TEST01', removeHandovers: 'yes' }), /removeHandovers must be "true" or "false"/);
    assert.match(String((await h.click(h.people.tom, VERBS.reinstateSubmit, { requestId: 'OFB-TEST01' }, 'card')).value), /only members of the offboarding operators group can reinstate/);
    assert.deepEqual(fake.calls.submit, [], 'the use case was not called');
  });

  it('a good submit answers at once, then the card says what was submitted', async () => {
    fake.calls.submit.length = 0;
    const answer = await h.click(h.people.isaac, VERBS.reinstateSubmit, { requestId: ' ofb-test01 ', reason: ' INC-4711 ', removeHandovers: 'true' }, 'reinstate-card');
    assert.match(JSON.stringify(answer.value), /Preparing the reinstatement/);
    const submitted = await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === 'reinstate-card' && textOf(a).includes('Submitted: RST-TEST01'));
    assert.match(textOf(submitted), /Reinstating Jane Doe \(undoes OFB-TEST01\). Waiting for Marcus Reed to approve/);
    const input = fake.calls.submit.at(-1)!;
    assert.deepEqual([input.offboardingId, input.reason, input.removeHandovers, input.requester.id], ['OFB-TEST01', 'INC-4711', true, h.people.isaac.id]);
  });

  it('Show pass: the requester gets the pass in the click answer only; never sent, never logged', async () => {
    const before = h.connector.sent.length;
    const answer = await h.click(h.people.isaac, VERBS.showPass, { requestId: 'RST-TEST01' }, 'pass-card', 'a:isaac-chat');
    const card = JSON.stringify(answer.value);
    assert.ok(card.includes(PASS), card);
    assert.match(card, /one use/);
    assert.match(card, /https:\/\/aka.ms\/mysecurityinfo/);
    assert.match(card, /self-service password reset/);
    assert.deepEqual(actionsOf(answer.value).map((a) => [a.verb, a.data?.requestId]), [[VERBS.hidePass, 'RST-TEST01']]);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!JSON.stringify(h.connector.sent.slice(before)).includes(PASS), 'no activity carries the pass');
    assert.ok(!JSON.stringify(h.connector.sent).includes(PASS));
    assert.ok(lines.some((l) => l.includes(VERBS.showPass)), 'the verb is logged');
    assert.ok(!lines.some((l) => l.includes(PASS)), 'no log line carries the pass');
    // Once: a second click gets the use case's refusal.
    assert.match(JSON.stringify((await h.click(h.people.isaac, VERBS.showPass, { requestId: 'RST-TEST01' }, 'pass-card', 'a:isaac-chat')).value), /shown already/);
  });

  it('Show pass by someone else is refused, with no pass', async () => {
    const answer = await h.click(h.people.tom, VERBS.showPass, { requestId: 'RST-TEST01' }, 'pass-card');
    const card = JSON.stringify(answer.value);
    assert.match(card, /There is no offboarding request RST-TEST01/);
    assert.ok(!card.includes(PASS));
    assert.match(String((await h.click(h.people.isaac, VERBS.showPass, { requestId: 'nope' }, 'pass-card')).value), /no valid request id/);
  });

  it('Hide: the requester gets the card without the pass; anyone else the not-found answer', async () => {
    const service = h.bot.service as { get: OffboardingService['get'] };
    const get = service.get.bind(h.bot.service);
    service.get = (id) => (id === 'RST-TEST01' ? Promise.resolve(reinstatementRequest({ requester: { id: h.people.isaac.id, displayName: h.people.isaac.name } })) : get(id));
    try {
      const data = { requestId: 'RST-TEST01', shownAt: '2026-11-28T10:00:00.000Z', expiresAt: '2026-11-28T11:00:00.000Z' };
      const hidden = JSON.stringify((await h.click(h.people.isaac, VERBS.hidePass, data, 'pass-card', 'a:isaac-chat')).value);
      assert.match(hidden, /was shown at 28 Nov 2026, 10:00 \(Europe\/London\); it expires at 28 Nov 2026, 11:00 \(Europe\/London\)/);
      assert.match(hidden, /Teams may keep this chat's history/);
      assert.ok(!hidden.includes(PASS));
      assert.equal(String((await h.click(h.people.tom, VERBS.hidePass, data, 'pass-card')).value), 'There is no offboarding request RST-TEST01.');
    } finally {
      service.get = get;
    }
  });

  it('the help card lists reinstate', async () => {
    assert.match(textOf((await h.say(h.people.isaac, 'help'))[0]), /reinstate <request id \| UPN \| name>/);
  });
});

describe('reinstate: passReady', () => {
  class Recording {
    calls: Array<{ op: string; to?: string; activity: Partial<Activity> }> = [];
    personalOk = true;
    send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<string> {
      this.calls.push({ op: 'send', to: reference.conversation?.id, activity });
      return Promise.resolve('act-1');
    }
    sendPersonal(_s: string, _t: string, userId: string, _b: unknown, activity: Partial<Activity>): Promise<Posted> {
      if (!this.personalOk) {
        return Promise.reject(Object.assign(new Error('Forbidden'), { statusCode: 403 }));
      }
      this.calls.push({ op: 'personal', to: userId, activity });
      return Promise.resolve({ reference: {}, activityId: 'card-1' });
    }
  }
  const request: OffboardingRequest = reinstatementRequest();
  const service = { get: () => Promise.resolve(request) } as unknown as OffboardingService;

  it('sends the requester a Show pass card in their 1:1 chat, without the pass', async () => {
    const proactive = new Recording();
    await new TeamsNotifier(proactive as unknown as Proactive, service).passReady(request);
    assert.deepEqual(proactive.calls.map((c) => [c.op, c.to]), [['personal', 'isaac']]);
    const card = cardOf(proactive.calls[0]!.activity);
    assert.match(JSON.stringify(card), /A Temporary Access Pass for Jane Doe is ready/);
    assert.match(JSON.stringify(card), /shown once, only to you/);
    assert.deepEqual(actionsOf(card).map((a) => [a.verb, a.title, a.data]), [[VERBS.showPass, 'Show pass', { requestId: 'RST-TEST01' }]]);
    assert.ok(!JSON.stringify(proactive.calls).includes(PASS));
  });

  it('with no 1:1 chat, the same button card goes to the thread with a mention; it never throws', async () => {
    const proactive = new Recording();
    proactive.personalOk = false;
    await new TeamsNotifier(proactive as unknown as Proactive, service).passReady(request);
    assert.deepEqual(proactive.calls.map((c) => [c.op, c.to]), [['send', 'thread-1']]);
    assert.match(String(proactive.calls[0]!.activity.text), /<at>Isaac Ito<\/at>, the Temporary Access Pass for RST-TEST01 is ready/);
    const broken = { send: () => Promise.reject(new Error('down')), sendPersonal: () => Promise.reject(new Error('down')) };
    await new TeamsNotifier(broken as unknown as Proactive, service).passReady(request);
  });
});
