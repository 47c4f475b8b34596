// Jane Doe's whole offboarding against the simulated tenant, through the real gateways: the end state, the order of
// writes from the tenant's request log, and the same end state with 20% injected 429/503 answers.
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { startSimulatedTenant, type SimulatedTenant } from '../../src/simulator';
import { seededRandom } from '../m365/helpers';
import { assertJaneOffboarded, TOM_ID } from './jane';
import { engineOver } from './tenant-engine';

const CONVERSION_DELAY_MS = 300;

async function offboardJane(tenant: SimulatedTenant) {
  const { engine, store } = engineOver(tenant);
  const preview = await engine.preview(tenant.personas.jane!, TOM_ID, DEFAULT_OPTIONS);
  assert.deepEqual(preview.plan.refusals, []);
  const writesBeforeApproval = tenant.requestLog().filter((e) => e.method !== 'GET' && !e.path.endsWith('/$batch') && !(e.cmdlet ?? '').startsWith('Get-'));
  assert.deepEqual(writesBeforeApproval, [], 'the preview wrote to Microsoft 365');
  const view = await engine.execute('req-jane', preview);
  return { view, store };
}

describe('engine: Jane Doe against the simulated tenant', function () {
  this.timeout(60_000);

  it('reaches the right end state in the right order, with every step accounted for', async () => {
    const tenant = await startSimulatedTenant({ mailboxConversionDelayMs: CONVERSION_DELAY_MS });
    try {
      const { view, store } = await offboardJane(tenant);
      const failed = view.steps.filter((s) => s.status === 'failed');
      assert.deepEqual(failed.map((s) => `${s.kind}: ${s.reason}`), []);
      assert.equal(view.run.status, 'completed');
      for (const step of view.steps) {
        assert.ok(step.status === 'done' || (step.status === 'skipped' && step.reason), `${step.kind} ended ${step.status} without a reason`);
      }
      const byKind = new Map(view.steps.map((s) => [s.kind, s]));
      assert.match(byKind.get('groups-left-in-place')?.reason ?? '', /dynamic membership.*synced from on-premises AD/);
      assert.ok((byKind.get('leave-groups')?.counts.done ?? 0) > 50);
      assert.equal(byKind.get('delete-account')?.status, 'skipped');
      // Accepted is not finished: wipes and retires are requested until Intune reports them done.
      const intune = byKind.get('intune-devices')!;
      assert.deepEqual([intune.counts.requested, intune.counts.done], [intune.counts.total, 0]);
      assert.equal(intune.counts.total, 2, 'her laptop (wipe) and her phone (retire)');
      // Her default MFA method (the Authenticator app) is refused as the default: skipped with a follow-up for IT,
      // sent once, and the run still completes; the six others are gone.
      const mfa = byKind.get('remove-mfa-methods')!;
      assert.equal(mfa.status, 'done');
      assert.deepEqual([mfa.counts.total, mfa.counts.done, mfa.counts.skipped, mfa.counts.failed], [7, 6, 1, 0]);
      assert.match(mfa.reason ?? '', /1 default method: remove it by hand/);
      assert.equal(mfa.followUps?.length, 1);
      assert.match(String(mfa.followUps?.[0]), /^Jane Doe's microsoftAuthenticator method is the default MFA method .*remove it by hand/);
      const authenticatorDeletes = tenant.requestLog().filter((e) => e.method === 'DELETE' && e.path.includes('/authentication/microsoftAuthenticatorMethods/'));
      assert.equal(authenticatorDeletes.length, 1, 'the refused default is not sent a second time');
      // Inbox rules: the hidden redirect removed with the others; the system rules never touched.
      const rules = byKind.get('clear-inbox-rules')!;
      assert.deepEqual([rules.status, rules.counts.done, rules.counts.total], ['done', 4, 4]);
      const removed = tenant.requestLog().filter((e) => e.cmdlet === 'Remove-InboxRule').map((e) => String((e.body as { CmdletInput: { Parameters: { Identity: string } } }).CmdletInput.Parameters.Identity));
      assert.equal(removed.length, 4);
      const systemIds = tenant.state().mailboxes.find((m) => m.userId === tenant.personas.jane)!.inboxRules.map((r) => `janedoe\\${r.RuleIdentity}`);
      assert.deepEqual(removed.filter((id) => systemIds.includes(id)), [], 'no system rule removed');
      // Every step that called Microsoft 365 names its last call's request id, and the tenant issued that id.
      const ids = new Set(tenant.requestLog().flatMap((e) => [e.requestId, e.batch?.batchRequestId]));
      for (const step of view.steps.filter((s) => s.status === 'done' && !s.reason?.includes('already'))) {
        assert.ok(step.calls && step.calls.count > 0, `${step.kind} counted no calls`);
        assert.ok(ids.has(step.calls.lastRequestId ?? 'none'), `${step.kind}: ${step.calls.lastRequestId} not in the tenant log`);
      }
      assert.equal(byKind.get('leave-groups')?.calls?.lastRequestId, tenant.requestLog().filter((e) => e.path.endsWith('/$batch') && e.body && JSON.stringify(e.body).includes('/members/')).at(-1)?.requestId, 'a batched step names its last $batch');
      assertJaneOffboarded(tenant, CONVERSION_DELAY_MS);
      const audit = await store.readAudit({ requestId: 'req-jane' });
      assert.ok(audit.filter((a) => a.kind === 'call').every((a) => a.runId === 'req-jane'));
      // Inner $batch answers carry no request id of their own: the batch's id is kept with each.
      const leaveCalls = audit.filter((a) => a.kind === 'call' && a.stepId === 'leave-groups');
      assert.ok(leaveCalls.length > 50);
      assert.ok(leaveCalls.every((a) => a.m365RequestId ?? (a.data as { batchRequestId?: string }).batchRequestId), JSON.stringify(leaveCalls[0]));
    } finally {
      await tenant.close();
    }
  });

  it('reaches the same end state with 20% of requests answered 429 or 503', async () => {
    const tenant = await startSimulatedTenant({ mailboxConversionDelayMs: CONVERSION_DELAY_MS, rate429: 0.1, rate503: 0.1, random: seededRandom(42) });
    try {
      const { view } = await offboardJane(tenant);
      assert.deepEqual(view.steps.filter((s) => s.status === 'failed').map((s) => `${s.kind}: ${s.reason}`), []);
      assert.equal(view.run.status, 'completed');
      const faults = tenant.requestLog().filter((e) => e.fault === 'rate429' || e.fault === 'rate503');
      assert.ok(faults.length > 20, `only ${faults.length} faults injected`);
      assert.ok(faults.some((e) => e.batch), 'faults inside $batch too');
      assertJaneOffboarded(tenant, CONVERSION_DELAY_MS);
    } finally {
      await tenant.close();
    }
  });
});
