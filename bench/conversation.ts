// The conversation under load, driven as Teams drives it: the bot runs in a process of its own (as in production),
// activities are POSTed to its /api/messages, and its replies and proactive messages reach a loopback Bot Connector
// in this process; the simulated tenant runs in a third process at a fixed latency per request.
//  - "offboard X" → the bot's first reply, N conversations at once;
//  - the approval click (Action.Execute invoke) → its answer, N approvers at once (each click starts a run).
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import seed from '../src/simulator/seed/tenant.json';
import { VERBS } from '../src/teams/verbs';
import { FakeBotConnector, type SentActivity } from '../test/fakes/bot-connector';
import { startRemoteTenant, type RemoteTenant } from './remote-tenant';
import { summarise } from './stats';

interface Who {
  id: string;
  name: string;
}

async function startBotProcess(tenant: RemoteTenant, dataDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--require', 'tsx/cjs', path.join(__dirname, '..', 'src', 'index.ts')], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      TENANT_ID: tenant.tenantId,
      M365_CREDENTIAL: 'none',
      GRAPH_BASE_URL: tenant.url,
      EXCHANGE_BASE_URL: tenant.url,
      OPERATORS_GROUP_ID: tenant.groups.operatorsGroupId,
      APPROVERS_GROUP_ID: tenant.groups.approversGroupId,
      PROTECTED_GROUP_ID: tenant.groups.protectedGroupId,
      TEAMS_APP_ID: tenant.teamsAppId,
      SUMMARY_CHANNEL_ID: '19:bench-summary@thread.tacv2',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"bot listening"/.exec(out);
      if (m) {
        resolve(m[1]!);
      }
      out = out.slice(-5000);
    });
    child.once('exit', (code) => reject(new Error(`bot exited ${code}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function benchConversation(concurrency = 50, latencyMs = 50): Promise<{ name: string; figures: Record<string, string> }> {
  const tenant = await startRemoteTenant(['--latency', String(latencyMs), '--conversion-delay', '0']);
  const connector = new FakeBotConnector();
  await connector.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-bench-'));
  const bot = await startBotProcess(tenant, dataDir);
  const post = (body: Record<string, unknown>) => fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const activity = (from: Who, conversationId: string, extra: Record<string, unknown>): Record<string, unknown> => ({
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: `29:${from.id}`, aadObjectId: from.id, name: from.name },
    recipient: { id: '28:bot', name: 'Offboarding' },
    conversation: { id: conversationId, conversationType: 'personal', tenantId: tenant.tenantId },
    channelData: { tenant: { id: tenant.tenantId } },
    ...extra,
  });
  const submit = (leaver: { id: string; managerId: string | null }, conversation: string) =>
    post(activity(operator, conversation, { type: 'invoke', name: 'adaptiveCard/action', id: randomUUID(), replyToId: `card-${conversation}`, value: { action: { type: 'Action.Execute', verb: VERBS.submit, data: { leaverId: leaver.id, mailboxInheritorId: leaver.managerId } } } }));
  /** Approval cards as they reached the connector: { requestId, approver, conversation, activity id }. */
  const approvals = (): Array<{ requestId: string; approver: string; conversationId: string; activityId: string }> =>
    connector.sent.flatMap((a: SentActivity) => {
      const requestId = /"requestId":"(OFB-[A-Z0-9]{6})"/.exec(JSON.stringify(a.activity))?.[1];
      const create = connector.sent.find((c) => c.kind === 'createConversation' && c.conversationId === a.conversationId);
      const approver = (create?.activity.members as Array<{ id: string }> | undefined)?.[0]?.id;
      return a.kind === 'send' && requestId && approver && /offboard\.approve/.test(JSON.stringify(a.activity)) ? [{ requestId, approver, conversationId: a.conversationId, activityId: a.activityId }] : [];
    });
  const approve = async (card: ReturnType<typeof approvals>[number]): Promise<number> => {
    const started = performance.now();
    const res = await post(activity({ id: card.approver, name: 'Approver' }, card.conversationId, { type: 'invoke', name: 'adaptiveCard/action', id: randomUUID(), replyToId: card.activityId, value: { action: { type: 'Action.Execute', verb: VERBS.approve, data: { requestId: card.requestId } } } }));
    const body = await res.text();
    if (!/Approved by/.test(body)) {
      throw new Error(`approval refused: ${body.slice(0, 200)}`);
    }
    return performance.now() - started;
  };
  const waitFor = async (test: () => boolean, ms: number): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!test() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const operator: Who = { id: tenant.personas.operator!, name: 'Isaac Ito' };
  // Leavers with an active manager who isn't the operator: each request goes to one approver.
  const byId = new Map(seed.users.map((u) => [u.id, u]));
  const leavers = seed.users.filter((u) => u.accountEnabled && u.managerId && byId.get(u.managerId)?.accountEnabled && u.managerId !== operator.id && u.id !== operator.id).slice(0, concurrency + 1);

  try {
    // Warm-up (a running bot is warm: modules loaded, code compiled): one of each, not measured.
    const warm = leavers.pop()!;
    await post(activity(operator, 'a:warm', { type: 'message', id: randomUUID(), text: `offboard ${warm.userPrincipalName}` }));
    await submit(warm, 'a:warm');
    await waitFor(() => approvals().length > 0, 60_000);
    await approve(approvals()[0]!);

    // 1. "offboard X" → first reply, in `concurrency` conversations (a leaver may come up twice: nothing is stored yet).
    const firstReply = await Promise.all(
      Array.from({ length: concurrency }, (_, i) => leavers[i % leavers.length]!).map(async (leaver, i) => {
        const id = randomUUID();
        const started = performance.now();
        const reply = connector.waitFor((a) => a.replyToId === id, 60_000);
        await post(activity(operator, `a:bench-${i}`, { type: 'message', id, text: `offboard ${leaver.userPrincipalName}` }));
        await reply;
        return performance.now() - started;
      }),
    );

    // 2. Submit each (the plan is prepared in the background) and wait for every approval card.
    await Promise.all(leavers.map((leaver, i) => submit(leaver, `a:bench-${i}`)));
    // A submit ends in an approval card, or in the form coming back with the reason (e.g. a protected leaver).
    const refusals = () => connector.sent.filter((a) => a.kind === 'update' && /card-a:bench-/.test(a.activityId) && /Can't start/.test(JSON.stringify(a.activity)));
    const submittedAt = performance.now();
    await waitFor(() => approvals().length + refusals().length >= leavers.length + 1, 180_000);
    const preparedMs = performance.now() - submittedAt;
    const cards = approvals().slice(1);
    const reasons = [...new Set(refusals().map((a) => /"text":"([^"]*(?:protected|manager|approve|open)[^"]*)"/.exec(JSON.stringify(a.activity))?.[1] ?? 'see the card'))];

    // 3. Every approver clicks Approve at once.
    const invoke = await Promise.all(cards.map(approve));
    const pick = (s: Record<string, string>) => `p50 ${s.p50}, p95 ${s.p95}, p99 ${s.p99} (${s.samples} samples)`;
    return {
      name: `Conversation: ${concurrency} conversations at once (${leavers.length} distinct leavers with an active manager for the approvals); the bot in its own process; simulated tenant at ${latencyMs} ms per request`,
      figures: {
        '"offboard X" → first reply': `${pick(summarise(firstReply))} (target p95 < 1 s)`,
        'approval click → answer': `${pick(summarise(invoke))} (target p99 < 1 s)`,
        'requests that reached approval': `${cards.length} of ${leavers.length}, all prepared in ${Math.round(preparedMs)} ms${reasons.length ? `; refused: ${reasons.join(' | ')}` : ''}`,
      },
    };
  } finally {
    await bot.stop();
    await connector.stop();
    await tenant.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
