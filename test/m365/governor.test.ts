import assert from 'node:assert/strict';
import { Governor, type Budget, type BudgetSource, type Family } from '../../src/m365/governor';
import { formatGovernorSnapshot } from '../../src/m365/doctor';
import { classifyGraph, outlookMailbox, parseBudget, DEFAULT_BUDGETS } from '../../src/m365/governor-budgets';
import { withPriority } from '../../src/m365/priority';
import { currentAuditScope, withAuditScope } from '../../src/offboarding/audit';
import { FakeClock, settle } from './fake-clock';

function governor(clock: FakeClock, budgets: Partial<Record<Family, Budget>>, source?: BudgetSource): Governor {
  return new Governor({ budgets, clock, lane: () => currentAuditScope()?.runId, ...(source ? { source } : {}) });
}

/** Starts `n` acquisitions; records when each was granted (and by whom). */
function queue(g: Governor, clock: FakeClock, family: Family, n: number, label: string, granted: Array<{ label: string; at: number }>, options: { conversation?: string } = {}): Promise<void>[] {
  return Array.from({ length: n }, () =>
    g.acquire(family, options).then((p) => {
      granted.push({ label, at: clock.now() });
      p.release();
    }),
  );
}

const WRITES: Budget = { requests: 100, windowMs: 10_000, burst: 10 };

describe('governor', () => {
  it('grants at the budget: never more than the limit in any window, and close to it over time', async () => {
    const clock = new FakeClock();
    const g = governor(clock, { 'identity-write': WRITES });
    const granted: Array<{ label: string; at: number }> = [];
    void queue(g, clock, 'identity-write', 1000, 'w', granted);
    await clock.advance(60_000);
    // 100 per 10 s (counted over 10.3 s: a 2% + 100 ms margin for the time requests take to arrive) for a minute
    assert.ok(granted.length >= 570 && granted.length <= 610, `granted ${granted.length}`);
    const times = granted.map((x) => x.at);
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((t) => t >= times[i]! && t < times[i]! + WRITES.windowMs).length;
      assert.ok(inWindow <= WRITES.requests, `${inWindow} grants in the 10 s from ${times[i]}`);
    }
    // Over the minute: 95% of the budget's rate or better.
    assert.ok(granted.length / 60 >= 0.95 * (WRITES.requests / 10));
  });

  it('a grant counts from when its request leaves (Permit.sent): requests that waited for a connection are not bunched over the budget', async () => {
    const clock = new FakeClock();
    const g = governor(clock, { 'identity-write': { requests: 10, windowMs: 1000, burst: 10 } });
    // The whole window's budget granted at 0; the requests leave only at 800 ms (they waited for connection slots).
    const permits = await Promise.all(Array.from({ length: 10 }, () => g.acquire('identity-write')));
    await clock.advance(800);
    permits.forEach((p) => p.sent());
    permits.forEach((p) => p.release());
    const granted: Array<{ label: string; at: number }> = [];
    void queue(g, clock, 'identity-write', 10, 'next', granted);
    // Counted from 0 they would make room at ~1.1 s; counted from 800 ms (as the service counts them), not before ~1.9 s.
    await clock.advance(1_000);
    assert.equal(granted.length, 0, `granted at ${granted.map((x) => x.at).join(', ')}`);
    await clock.advance(1_500);
    assert.equal(granted.length, 10);
    assert.ok(granted.every((x) => x.at >= 800 + 1000), `granted at ${granted.map((x) => x.at).join(', ')}`);
  });

  it('a Retry-After seen by one call pauses every caller of the family, and only that family', async () => {
    const clock = new FakeClock();
    const g = governor(clock, { 'identity-write': { requests: 10, windowMs: 1000, burst: 1 }, 'intune-write': { requests: 10, windowMs: 1000, burst: 1 } });
    const granted: Array<{ label: string; at: number }> = [];
    const all = [
      ...(await withAuditScope({ runId: 'a' }, () => Promise.resolve(queue(g, clock, 'identity-write', 20, 'a', granted)))),
      ...(await withAuditScope({ runId: 'b' }, () => Promise.resolve(queue(g, clock, 'identity-write', 20, 'b', granted)))),
      ...queue(g, clock, 'intune-write', 5, 'intune', granted),
    ];
    await clock.advance(500);
    const before = granted.length;
    g.observe('identity-write', 429, 5_000);
    await clock.advance(4_900);
    const duringPause = granted.filter((x) => x.at > 500 && x.label !== 'intune');
    assert.equal(duringPause.length, 0, 'no identity write granted while paused');
    assert.ok(granted.filter((x) => x.label === 'intune').length === 5, 'another family goes on');
    assert.ok(before > 0);
    await clock.advance(10_000);
    await Promise.all(all);
    const after = granted.filter((x) => x.at >= 5_500 && x.label !== 'intune');
    assert.ok(after.some((x) => x.label === 'a') && after.some((x) => x.label === 'b'), 'both callers resume after the pause');
    assert.equal(g.snapshot().families.find((f) => f.family === 'identity-write')!.throttled, 1);
  });

  // An inner $batch 429 through graphBatch: governor-gateways.test.ts.
  it('a 503 with Retry-After pauses the family too, and the pause ends with an empty bucket', async () => {
    const clock = new FakeClock();
    const g = governor(clock, { outlook: { requests: 100, windowMs: 1000, burst: 100 } });
    g.observe('outlook', 503, 2_000);
    const granted: Array<{ label: string; at: number }> = [];
    const p = queue(g, clock, 'outlook', 1, 'x', granted);
    await clock.advance(1_999);
    assert.equal(granted.length, 0);
    // The pause ends with an empty bucket (the service's window was full): the first token comes at the budget's pace.
    await clock.advance(1_000);
    await Promise.all(p);
    assert.ok(granted[0]!.at >= 2_000 && granted[0]!.at <= 2_200, String(granted[0]!.at));
  });

  it('a stray 429 at start-up pauses for its Retry-After only and keeps at least half the throughput', async () => {
    const clock = new FakeClock();
    const g = governor(clock, { 'identity-write': WRITES });
    const granted: Array<{ label: string; at: number }> = [];
    void queue(g, clock, 'identity-write', 2000, 'w', granted);
    await clock.advance(100);
    const early = granted.length; // the burst
    g.observe('identity-write', 429, 2_000);
    await clock.advance(1_999);
    assert.equal(granted.length, early, 'nothing during the Retry-After');
    // The pause is the Retry-After, not a window: grants resume soon after it ends.
    await clock.advance(1_000);
    assert.ok(granted.length > early, 'grants resume right after the Retry-After');
    await clock.advance(57_000);
    // A minute in: well over half the budget's 10 a second went (the pace drops to 70% and comes back).
    assert.ok(granted.length >= 0.5 * 600, `granted ${granted.length} in 60 s`);
    const pace = g.snapshot().families.find((f) => f.family === 'identity-write')!.pace;
    assert.ok(pace >= 0.5, `pace ${pace}`);
    // Repeated episodes never push the pace below half the budget.
    for (let i = 0; i < 5; i++) {
      g.observe('identity-write', 429, 100);
      await clock.advance(200);
    }
    assert.equal(g.snapshot().families.find((f) => f.family === 'identity-write')!.pace, 0.5);
    // And it comes back: a tenth of the budget per quiet window.
    await clock.advance(5 * WRITES.windowMs + 200);
    assert.equal(g.snapshot().families.find((f) => f.family === 'identity-write')!.pace, 1);
  });

  it('Outlook: one budget per mailbox (Microsoft counts per app and mailbox), its 4 concurrent requests included', async () => {
    const clock = new FakeClock();
    const g = governor(clock, { outlook: { ...DEFAULT_BUDGETS.outlook } });
    g.observe('outlook', 429, 5_000, 'jane@contoso.com');
    let other = false;
    let jane = false;
    void g.acquire('outlook', { mailbox: 'tom@contoso.com' }).then((p) => ((other = true), p.release()));
    void g.acquire('outlook', { mailbox: 'Jane@contoso.com' }).then((p) => ((jane = true), p.release()));
    await clock.advance(10);
    assert.equal(other, true, 'another mailbox is not paused');
    assert.equal(jane, false, 'the throttled mailbox is (its key in any case)');
    await clock.advance(5_100);
    assert.equal(jane, true);
    // 4 in flight per mailbox, not per app.
    const a = await Promise.all(Array.from({ length: 4 }, () => g.acquire('outlook', { mailbox: 'a' })));
    const b = await Promise.all(Array.from({ length: 4 }, () => g.acquire('outlook', { mailbox: 'b' })));
    [...a, ...b].forEach((p) => p.release());
    assert.equal(g.snapshot().mailboxes.tracked, 4);
  });

  it('a $batch’s tokens of several families are granted together, not one family long before the other', async () => {
    const clock = new FakeClock();
    const g = governor(clock, { 'identity-write': WRITES, 'intune-write': WRITES });
    g.pause('intune-write', 3_000);
    let done = false;
    void g.acquireTogether([{ family: 'identity-write', tokens: 3 }, { family: 'intune-write', tokens: 2 }], { slot: false }).then(() => (done = true));
    await clock.advance(2_000);
    assert.equal(done, false);
    assert.equal(g.snapshot().families.find((f) => f.family === 'identity-write')!.granted, 0, 'no identity write counted while intune is paused');
    await clock.advance(2_000);
    assert.equal(done, true);
    assert.equal(g.snapshot().families.find((f) => f.family === 'identity-write')!.granted, 3);
    assert.equal(g.snapshot().families.find((f) => f.family === 'intune-write')!.granted, 2);
  });

  it('serves containment first, then the critical path, then the rest', async () => {
    const clock = new FakeClock();
    const g = governor(clock, { 'identity-write': { requests: 10, windowMs: 10_000, burst: 1 } });
    const granted: Array<{ label: string; at: number }> = [];
    const first = queue(g, clock, 'identity-write', 1, 'first', granted); // takes the one token
    await settle();
    const normal = queue(g, clock, 'identity-write', 3, 'normal', granted);
    const critical = await withPriority(() => Promise.resolve(queue(g, clock, 'identity-write', 2, 'critical', granted)));
    const containment = await withPriority(() => Promise.resolve(queue(g, clock, 'identity-write', 2, 'containment', granted)), 'containment');
    await clock.advance(60_000);
    await Promise.all([...first, ...normal, ...critical, ...containment]);
    assert.deepEqual(
      granted.map((x) => x.label),
      ['first', 'containment', 'containment', 'critical', 'critical', 'normal', 'normal', 'normal'],
    );
  });

  it('does not starve a leaver behind another run’s hundreds of removals (round-robin between runs)', async () => {
    const clock = new FakeClock();
    const g = governor(clock, { 'identity-write': { requests: 100, windowMs: 10_000, burst: 1 } });
    const granted: Array<{ label: string; at: number }> = [];
    const big = await withAuditScope({ runId: 'batch-of-499' }, () => Promise.resolve(queue(g, clock, 'identity-write', 499, 'big', granted)));
    await clock.advance(1_000);
    const small = await withAuditScope({ runId: 'leaver-501' }, () => Promise.resolve(queue(g, clock, 'identity-write', 3, 'small', granted)));
    await clock.advance(2_000);
    const index = granted.map((x) => x.label);
    const firstSmall = index.indexOf('small');
    const grantedBefore = granted.filter((x) => x.at <= 1_000).length;
    // The newcomer's first request goes within one turn of the round, not after the 499.
    assert.ok(firstSmall >= 0 && firstSmall <= grantedBefore + 1, `first small at ${firstSmall}`);
    assert.equal(index.filter((l) => l === 'small').length, 3);
    void big;
    await Promise.all(small);
  });

  it('Bot Connector: at most 7 a second in one conversation and 50 a second for the app', async () => {
    const clock = new FakeClock();
    const g = governor(clock, { bot: DEFAULT_BUDGETS.bot, 'bot-conversation': DEFAULT_BUDGETS['bot-conversation'] });
    const granted: Array<{ label: string; at: number }> = [];
    void queue(g, clock, 'bot', 20, 'one', granted, { conversation: 'c1' });
    for (let c = 0; c < 100; c++) {
      void queue(g, clock, 'bot', 1, 'many', granted, { conversation: `other-${c}` });
    }
    await clock.advance(999);
    assert.ok(granted.filter((x) => x.label === 'one').length <= 7);
    assert.ok(granted.length <= 50, `${granted.length} in the first second`);
    assert.ok(granted.length >= 40, `${granted.length} in the first second`);
  });

  it('limits requests in flight where the service limits concurrency (Outlook: 4)', async () => {
    const clock = new FakeClock();
    const g = governor(clock, { outlook: { ...DEFAULT_BUDGETS.outlook } });
    const permits = await Promise.all(Array.from({ length: 4 }, () => g.acquire('outlook')));
    let fifth = false;
    const p = g.acquire('outlook').then((x) => ((fifth = true), x));
    await clock.advance(1_000);
    assert.equal(fifth, false);
    permits[0]!.release();
    await clock.advance(10);
    assert.equal(fifth, true);
    (await p).release();
  });

  it('takes its share of a budget shared by several instances (BudgetSource)', async () => {
    const clock = new FakeClock();
    let live = 2;
    const published: Array<[Family, number]> = [];
    let remotePause: ((f: Family, until: number) => void) | undefined;
    const source: BudgetSource = { share: () => 1 / live, paused: (f, until) => published.push([f, until]), subscribe: (p) => (remotePause = p) };
    const g = governor(clock, { 'identity-write': WRITES }, source);
    const granted: Array<{ label: string; at: number }> = [];
    void queue(g, clock, 'identity-write', 1000, 'w', granted);
    await clock.advance(60_000);
    // half the budget: 50 per 10 s
    assert.ok(granted.length >= 285 && granted.length <= 305, `granted ${granted.length}`);
    g.observe('identity-write', 429, 1_000);
    assert.deepEqual(published, [['identity-write', 61_000]]);
    live = 1;
    remotePause!('identity-write', 70_000);
    const n = granted.length;
    await clock.advance(9_000);
    assert.equal(granted.length, n, 'a pause seen by another instance holds here too');
    assert.equal(g.snapshot().share, 1);
  });

  it('snapshot shows each family’s budget, queue and pause', async () => {
    const clock = new FakeClock();
    const g = governor(clock, { 'identity-write': { requests: 10, windowMs: 10_000, burst: 1 } });
    const granted: Array<{ label: string; at: number }> = [];
    void queue(g, clock, 'identity-write', 5, 'x', granted);
    await settle();
    g.observe('identity-write', 429, 3_000);
    const snap = g.snapshot().families.find((f) => f.family === 'identity-write')!;
    assert.equal(snap.budget, '10 per 10 s');
    assert.equal(snap.queued.normal, 4);
    assert.equal(snap.pausedForMs, 3_000);
    assert.equal(snap.pauses, 1);
    // A new throttling episode slows the pace by 30% (one request sent says nothing about the service's limit).
    assert.equal(snap.pace, 0.7, 'a new throttling episode slows the pace');
    g.observe('identity-write', 429, 3_000);
    assert.equal(g.snapshot().families.find((f) => f.family === 'identity-write')!.pace, 0.7, 'not again for 429s of requests already in flight');
    assert.ok(g.waitEstimateMs('identity-write') >= 3_000);
    // What doctor shows.
    const lines = formatGovernorSnapshot(g.snapshot()).join('\n');
    assert.match(lines, /identity-write: 10 per 10 s; .*2 answered 429, 1 pauses, pace 70% of the budget since the last 429, PAUSED 3 s more, 4 waiting \(0 containment, 0 critical path\) across 1 runs/);
    assert.match(lines, /exchange: 600 per 60 s, 8 at once; /);
  });
});

describe('governor families', () => {
  it('classifies Graph requests as Microsoft counts them', () => {
    assert.equal(classifyGraph('PATCH', '/users/1'), 'identity-write');
    assert.equal(classifyGraph('GET', '/users/1/memberOf/microsoft.graph.group?$select=id'), 'identity-read');
    assert.equal(classifyGraph('POST', '/users/1/checkMemberGroups'), 'identity-read');
    assert.equal(classifyGraph('DELETE', '/groups/g/members/u/$ref'), 'identity-write');
    assert.equal(classifyGraph('DELETE', '/users/1/authentication/phoneMethods/m'), 'identity-write');
    assert.equal(classifyGraph('POST', '/deviceManagement/managedDevices/d/wipe'), 'intune-write');
    assert.equal(classifyGraph('GET', '/deviceManagement/managedDevices/d'), 'intune-read');
    assert.equal(classifyGraph('GET', '/users/1/managedDevices?$select=id'), 'intune-read');
    assert.equal(classifyGraph('PATCH', '/users/1/mailboxSettings'), 'outlook');
    assert.equal(classifyGraph('GET', 'http://127.0.0.1:5/v1.0/users/1/mailboxSettings?$select=userPurpose'), 'outlook');
    assert.equal(classifyGraph('POST', '/users/1/teamwork/installedApps'), 'graph-other');
    assert.equal(classifyGraph('POST', '/$batch'), 'batch');
    assert.equal(classifyGraph('GET', '/users/1/calendarGroups'), 'outlook');
    assert.equal(outlookMailbox('/users/jane%40contoso.com/mailboxSettings'), 'jane@contoso.com');
    assert.equal(outlookMailbox('http://127.0.0.1:5/v1.0/users/1/messages?$top=1'), '1');
    assert.equal(outlookMailbox('/me/messages'), undefined);
  });

  it('parses budgets as requests/seconds and refuses anything else', () => {
    assert.deepEqual(parseBudget('300/15', DEFAULT_BUDGETS['identity-write']), { requests: 300, windowMs: 15_000, burst: 75 });
    assert.equal(parseBudget('600/60', DEFAULT_BUDGETS.exchange).concurrency, 8);
    assert.throws(() => parseBudget('3000 per 150', DEFAULT_BUDGETS['identity-write']), /3000\/150/);
    assert.throws(() => parseBudget('0/10', DEFAULT_BUDGETS['identity-write']));
  });
});
