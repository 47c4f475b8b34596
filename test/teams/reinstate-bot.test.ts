// Reinstate at the bot level, as Teams drives it (HTTP activities in, Bot Connector calls out), against the simulated
// tenant: a full offboarding of Jane, then `reinstate`, its card, the manager's approval and the run. The end state
// equals the state before the offboarding for everything restorable, the summary names the rest, and the Temporary
// Access Pass is only ever in the requester's own click answer: no log line, no store file, no audit entry, no activity.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger';
import { createM365 } from '../../src/m365';
import { openStore } from '../../src/store';
import { VERBS } from '../../src/teams/verbs';
import type { SentActivity } from '../fakes/bot-connector';
import { observe } from '../offboarding/reinstate-fixtures';
import { filesUnder, scan, type Haystack } from '../fakes/secret-scan';
import { actionsOf, BotHarness, CHANNEL_THREAD, SUMMARY_CHANNEL, textOf, type Person } from './harness';

describe('reinstate (bot level)', function () {
  this.timeout(120_000);
  let h: BotHarness;
  const logLines: string[] = [];

  before(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    h = await new BotHarness().start({}, { logger: createLogger({ level: 'debug', destination }) });
  });
  after(async () => {
    await h?.stop();
  });

  /** The approval card sent to `approver` for `requestId` (1:1 chat or thread fallback). */
  function approvalCardFor(requestId: string, approver: Person): Promise<SentActivity> {
    return h.connector.waitFor((a) => a.kind !== 'update' && textOf(a).includes(requestId) && actionsOf(a.activity).some((x) => x.verb === VERBS.approve) && (h.connector.sent.some((c) => c.kind === 'createConversation' && c.conversationId === a.conversationId && JSON.stringify(c.activity).includes(approver.id)) || a.conversationId === CHANNEL_THREAD), 15_000);
  }

  it('offboards Jane, then reinstates her after Marcus approves: what was restorable is back, the rest is named', async () => {
    const { isaac, jane, marcus, tom } = h.people;
    const tenant = h.bot.tenant!;
    const { graph, exchange } = createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' });
    const janeUser = tenant.state().users.find((u) => u.id === jane.id)!;
    const tomUpn = tenant.state().users.find((u) => u.id === tom.id)!.userPrincipalName;
    const driveId = tenant.state().drives.find((d) => d.ownerId === jane.id)?.id;
    const look = () => observe(graph, exchange, jane.id, janeUser.userPrincipalName, { id: tom.id, upn: tomUpn }, driveId);
    const before = await look();

    // The offboarding: the recommended plan plus OneDrive access and Entra devices, approved by Marcus.
    const replies = await h.say(isaac, `offboard ${jane.name}`);
    const cardId = replies[0]!.activityId;
    await h.click(isaac, VERBS.submit, { leaverId: jane.id, mailboxInheritorId: tom.id, oneDriveAccess: 'true', disableEntraDevices: 'true' }, cardId);
    const submitted = await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === cardId && /Submitted: OFB-/.test(textOf(a)), 15_000);
    const offboardingId = /OFB-[A-Z0-9]{6}/.exec(textOf(submitted))![0];
    const approval = await approvalCardFor(offboardingId, marcus);
    await h.click(marcus, VERBS.approve, { requestId: offboardingId }, approval.activityId, approval.conversationId);
    await h.connector.waitFor((a) => JSON.stringify(a.activity).includes(SUMMARY_CHANNEL) && textOf(a).includes(offboardingId), 30_000);
    assert.equal((await h.bot.service.get(offboardingId))?.status, 'completed');
    assert.notDeepEqual(await look(), before);

    // `reinstate <UPN>` in Isaac's 1:1 chat: the card, then its submit. Nothing is written before the approval.
    const writes = h.writes().length;
    const personal = `a:1to1-${isaac.id}`;
    const [reply] = await h.say(isaac, `reinstate ${janeUser.userPrincipalName}`, personal);
    const card = JSON.stringify(reply!.activity);
    assert.match(card, /Reinstate Jane Doe/);
    assert.match(card, /MFA method/, "what can't be restored is named");
    const submit = actionsOf(reply!.activity).find((a) => a.verb === VERBS.reinstateSubmit)!;
    assert.deepEqual(submit.data, { requestId: offboardingId });
    const answer = await h.click(isaac, VERBS.reinstateSubmit, { requestId: offboardingId, reason: 'HR-1234: resignation withdrawn', removeHandovers: 'true' }, reply!.activityId, personal);
    assert.equal(typeof answer.value, 'object');
    const done = await h.connector.waitFor((a) => a.kind === 'update' && a.activityId === reply!.activityId && /Submitted: RST-/.test(textOf(a)), 15_000);
    const requestId = /RST-[A-Z0-9]{6}/.exec(textOf(done))![0];
    assert.equal(h.writes().length, writes, 'nothing written before approval');

    // Isaac asked for it: he can't approve. Marcus does.
    const rstApproval = await approvalCardFor(requestId, marcus);
    assert.match(String((await h.click(isaac, VERBS.approve, { requestId }, rstApproval.activityId, rstApproval.conversationId)).value), /can't also approve/);
    await h.click(marcus, VERBS.approve, { requestId }, rstApproval.activityId, rstApproval.conversationId);
    const summary = await h.connector.waitFor((a) => JSON.stringify(a.activity).includes(SUMMARY_CHANNEL) && textOf(a).includes(requestId), 30_000);
    const request = (await h.bot.service.get(requestId))!;
    assert.equal(request.status, 'completed');
    assert.deepEqual(await look(), before, 'everything restorable is as it was before the offboarding');
    const summaryText = JSON.stringify(summary.activity);
    assert.match(summaryText, /MFA method/);
    assert.match(summaryText, /Litigation hold|wiped or retired|app consent/);

    // The pass: Isaac's 1:1 chat gets a "Show pass" card without it; Marcus's click is refused; Isaac's shows it once.
    const ready = await h.connector.waitFor((a) => actionsOf(a.activity).some((x) => x.verb === VERBS.showPass), 15_000);
    const show = actionsOf(ready.activity).find((x) => x.verb === VERBS.showPass)!;
    assert.deepEqual(show.data, { requestId });
    const refused = await h.click(marcus, VERBS.showPass, { requestId }, ready.activityId, ready.conversationId);
    const shown = await h.click(isaac, VERBS.showPass, { requestId }, ready.activityId, ready.conversationId);
    const pass = passIn(shown.value);
    assert.ok(pass, `no pass in ${JSON.stringify(shown.value).slice(0, 300)}`);
    assert.ok(!JSON.stringify(refused.value).includes(pass));
    assert.ok(!JSON.stringify((await h.click(isaac, VERBS.showPass, { requestId }, ready.activityId, ready.conversationId)).value).includes(pass), 'shown once');
    assert.ok(tenant.issuedSecrets().includes(pass), 'the pass is the one Entra issued');

    // Nowhere else, in any encoding: no activity, no other click answer, no log line, no file under DATA_DIR, no audit entry.
    await h.bot.service.idle();
    const store = openStore(h.dataDirectory);
    let audit: string;
    try {
      audit = JSON.stringify(await store.readAudit());
    } finally {
      await store.close();
    }
    const haystacks: Haystack[] = [
      ...h.connector.sent.map((a, i) => ({ name: `activity ${i} (${a.kind})`, bytes: Buffer.from(JSON.stringify(a.activity)) })),
      { name: "Marcus's refused click", bytes: Buffer.from(JSON.stringify(refused.value)) },
      { name: 'the log', bytes: Buffer.from(logLines.join('')) },
      ...filesUnder(h.dataDirectory).map((f) => ({ name: path.relative(h.dataDirectory, f), bytes: fs.readFileSync(f) })),
      { name: 'the audit log', bytes: Buffer.from(audit) },
    ];
    assert.ok(logLines.some((l) => l.includes(VERBS.showPass)), 'the log holds the clicks');
    assert.ok(audit.includes('pass-shown'), 'the audit log holds the run');
    assert.deepEqual(scan(haystacks, [pass]), []);
    assert.deepEqual(scan([{ name: 'the answer to Isaac', bytes: Buffer.from(JSON.stringify(shown.value)) }], [pass]).length, 1, 'the scan finds it where it is');
  });
});

/** The pass in the show-pass card: the TextBlock in monospace (the card's only one). */
function passIn(card: unknown): string | undefined {
  let found: string | undefined;
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      n.forEach(walk);
    } else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'TextBlock' && o.fontType === 'Monospace') {
        found = String(o.text);
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}
