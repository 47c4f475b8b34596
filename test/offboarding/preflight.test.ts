// The preflight against the simulated tenant through the real gateways (createM365), as the bot runs it: what it
// reads for the seeded personas, that it never writes, that read failures become warnings, and that the planner
// accepts what it produces.
import assert from 'node:assert/strict';
import { createM365 } from '../../src/m365';
import { M365Error } from '../../src/m365/errors';
import type { CallRecord, ExchangePort, GraphPort, GraphRequest } from '../../src/m365/ports';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import type { PlannedStep, StepKind } from '../../src/offboarding/plan';
import { planOffboarding } from '../../src/offboarding/planner';
import { PreflightError, takeSnapshot } from '../../src/offboarding/preflight';
import type { Snapshot } from '../../src/offboarding/snapshot';
import { startSimulatedTenant, type LogEntry, type SimulatedTenant } from '../../src/simulator';
import { isM365Write } from '../fakes/simulated-tenant';

const LEO = 'leo.fischer@contoso.com'; // no licence, mailbox or OneDrive
const SALES_INBOX = 'sales@contoso.com'; // a disabled account (a shared mailbox's)
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

function gateways(tenant: SimulatedTenant, onCall?: (r: CallRecord) => void): { graph: GraphPort; exchange: ExchangePort } {
  return createM365({ tenantId: tenant.tenantId, graphBaseUrl: tenant.graphBaseUrl, exchangeBaseUrl: tenant.exchangeBaseUrl, credential: 'none' }, { maxRetries: 1, onCall });
}

/** DOMAIN.md "What counts as a write" (isM365Write). */
function writes(log: LogEntry[]): LogEntry[] {
  return log.filter(isM365Write);
}

const step = (steps: PlannedStep[], kind: StepKind): PlannedStep => steps.find((s) => s.kind === kind)!;
const count = <T>(items: T[] | undefined, pred: (x: T) => boolean): number => (items ?? []).filter(pred).length;

describe('preflight against the simulated tenant', function () {
  let tenant: SimulatedTenant;
  let ports: { graph: GraphPort; exchange: ExchangePort };
  let P: Record<string, string>;

  before(async () => {
    tenant = await startSimulatedTenant();
    ports = gateways(tenant);
    P = tenant.personas;
  });
  after(() => tenant.close());
  beforeEach(() => tenant.reset());

  describe("Jane's snapshot", () => {
    let s: Snapshot;
    before(async () => {
      tenant.reset();
      s = await takeSnapshot(ports, P.jane!, P.inheritorCandidate!, () => new Date('2025-06-02T09:00:00Z'));
    });

    it('reads every part without a warning', () => {
      assert.deepEqual(s.readWarnings, []);
      assert.equal(s.takenAt, '2025-06-02T09:00:00.000Z');
      assert.deepEqual(s.tenantDomains, ['contoso.com', 'contosodemo.onmicrosoft.com']);
      assert.equal(s.leaver.displayName, 'Jane Doe');
      assert.equal(s.leaver.accountEnabled, true);
      assert.equal(s.leaver.onPremisesSyncEnabled, false);
      assert.equal(s.leaver.manager?.displayName, 'Marcus Reed');
      assert.deepEqual(s.leaver.directoryRoles, []);
    });

    it('lists all 103 groups across pages, each kind classified', () => {
      const g = s.leaver.groups!;
      assert.equal(g.length, 103);
      assert.equal(new Set(g.map((x) => x.id)).size, 103);
      assert.deepEqual(
        { security: count(g, (x) => x.kind === 'security'), microsoft365: count(g, (x) => x.kind === 'microsoft365'), distribution: count(g, (x) => x.kind === 'distribution'), mailEnabledSecurity: count(g, (x) => x.kind === 'mailEnabledSecurity') },
        { security: 51, microsoft365: 33, distribution: 13, mailEnabledSecurity: 6 },
      );
      assert.equal(count(g, (x) => x.dynamic), 7);
      assert.equal(count(g, (x) => x.synced), 9);
      assert.equal(count(g, (x) => x.team), 22);
      assert.ok(g.every((x) => !x.team || x.kind === 'microsoft365'));
      assert.ok(g.filter((x) => x.kind !== 'security').every((x) => x.mail?.endsWith('@contoso.com')));
    });

    it('counts the owners of each owned group: Sales Enablement Hub is owned alone', () => {
      const owned = Object.fromEntries(s.leaver.ownedGroups!.map((g) => [g.displayName, g.ownerCount]));
      assert.deepEqual(owned, { 'SG-Sales-EMEA-Accounts': 2, 'Key Account Pursuits': 2, 'Sales Enablement Hub': 1 });
      const hub = s.leaver.ownedGroups!.find((g) => g.ownerCount === 1)!;
      assert.equal(hub.kind, 'microsoft365');
      assert.equal(hub.team, true);
    });

    it('tells direct from group licences; Plan 2 comes with the group E3', () => {
      const l = s.leaver.licences!.map((x) => [x.skuPartNumber, x.source, x.groupName ?? null, x.carriesExchangePlan2, x.carriesExchange]);
      assert.deepEqual(l, [
        ['POWER_BI_PRO', 'direct', null, false, false], // EXCHANGE_S_FOUNDATION hosts no mailbox
        ['VISIOCLIENT', 'direct', null, false, false],
        ['SPE_E3', 'group', 'LIC - Microsoft 365 E3 (Sales)', true, true],
      ]);
      const e3 = s.leaver.licences!.find((x) => x.source === 'group')!;
      assert.deepEqual(s.leaver.licenceGroupIds, [e3.groupId]);
      assert.ok(s.leaver.groups!.some((g) => g.id === e3.groupId));
    });

    it('reads devices with their ownership, app consents with names, MFA methods with the default among them', () => {
      assert.deepEqual(
        s.leaver.managedDevices!.map((d) => [d.deviceName, d.ownerType]),
        [['JANE-LT-01', 'company'], ["Jane's iPhone", 'personal']],
      );
      assert.deepEqual(
        s.leaver.registeredDevices!.map((d) => [d.displayName, d.operatingSystem, d.accountEnabled]),
        [['JANE-LT-01', 'Windows', true], ["Jane's iPhone", 'iOS', true], ['JANE-HOME-PC', 'Windows', true]],
      );
      assert.deepEqual(s.leaver.oauthGrants!.map((g) => g.clientName).sort(), ['Contoso Expenses', 'MeetingBuddy for Outlook']);
      assert.ok(s.leaver.oauthGrants!.every((g) => g.scope.includes('User.Read')));
      const types = s.leaver.authMethods!.map((m) => m.odataType.replace('#microsoft.graph.', ''));
      assert.deepEqual(types, [
        'passwordAuthenticationMethod',
        'phoneAuthenticationMethod',
        'microsoftAuthenticatorAuthenticationMethod',
        'fido2AuthenticationMethod',
        'emailAuthenticationMethod',
        'softwareOathAuthenticationMethod',
        'phoneAuthenticationMethod',
        'externalAuthenticationMethod',
      ]);
      // The Authenticator app is the default (beta-only knowledge): it is listed like the others.
      assert.ok(s.leaver.authMethods!.some((m) => m.id === 'd3a68612-f8a9-518a-9d22-31251d462d1b'));
    });

    it('reads the mailbox: type, 12.34 GB, rules (hidden ones too) with the external and system ones flagged, protocols, the EAS phone', () => {
      const m = s.leaver.mailbox!;
      assert.equal(m.recipientTypeDetails, 'UserMailbox');
      assert.equal(m.litigationHoldEnabled, false);
      assert.equal(m.archiveActive, false);
      assert.equal(m.hiddenFromAddressLists, false);
      assert.equal(m.forwardingSmtpAddress, undefined);
      assert.equal(m.totalItemSizeBytes, 13_249_974_272);
      assert.equal((m.totalItemSizeBytes / 1024 ** 3).toFixed(2), '12.34');
      assert.deepEqual(
        m.inboxRules!.map((r) => [r.name, r.forwardsTo, r.external, r.hidden === true, r.system === true]),
        [
          ['Newsletters to Reading', [], false, false, false],
          ['Copy to personal', ['jane.doe.home@example.net'], true, false, false],
          ['Marcus flagged', [], false, false, false],
          ['.', ['jd.backup@mailbox.example'], true, true, false],
          ['Junk E-mail Rule', [], false, true, true],
          ['Microsoft.Exchange.OOF.KnownExternalSenders.Global', [], false, true, true],
          ['Microsoft.Exchange.OOF.AllExternalSenders.Global', [], false, true, true],
        ],
      );
      assert.deepEqual(m.protocols, { activeSync: true, pop: true, imap: true });
      assert.deepEqual(m.mobileDevices!.map((d) => d.friendlyName), ["Jane's iPhone"]);
      assert.match(m.mobileDevices![0]!.identity, /^janedoe\\ExchangeActiveSyncDevices\\/);
    });

    it("reads the OneDrive and the inheritor", () => {
      assert.match(s.leaver.drive!.webUrl!, /-my\.sharepoint\.com\/personal\/jane_doe/);
      assert.ok(s.leaver.drive!.id);
      assert.deepEqual(s.inheritor, { id: P.inheritorCandidate, displayName: 'Tom Alvarez', userPrincipalName: 'tom.alvarez@contoso.com', mail: 'tom.alvarez@contoso.com', accountEnabled: true, hasMailbox: true });
    });

    it('gives the planner what it needs: no refusal, sensible counts', () => {
      const plan = planOffboarding(s, DEFAULT_OPTIONS);
      assert.deepEqual(plan.refusals, []);
      const n = (kind: StepKind): number => step(plan.steps, kind).targets.length;
      // 103 groups = 68 through Graph + 18 through Exchange + 17 left in place (7 dynamic, 9 synced, and the licence
      // group kept because its E3 carries the Exchange Online Plan 2 the hold needs)
      assert.equal(n('leave-groups'), 68);
      assert.equal(n('leave-distribution-lists'), 18);
      assert.equal(step(plan.steps, 'groups-left-in-place').untouched?.length, 17);
      assert.deepEqual(step(plan.steps, 'hand-over-owned-groups').targets.map((t) => [t.label, t.data?.newOwnerId]), [['Sales Enablement Hub', P.janeManager]]);
      assert.equal(n('drop-group-ownerships'), 3);
      assert.deepEqual(step(plan.steps, 'intune-devices').targets.map((t) => t.data?.action), ['wipe', 'retire']);
      assert.deepEqual(step(plan.steps, 'disable-entra-devices').targets.map((t) => t.label), ['JANE-LT-01', 'JANE-HOME-PC']);
      assert.equal(n('revoke-oauth-grants'), 2);
      assert.equal(n('remove-mfa-methods'), 7); // all but the password
      // The hidden redirect goes with the others and the preview says so; the system rules stay.
      const rules = step(plan.steps, 'clear-inbox-rules');
      assert.equal(rules.title, 'Remove 4 inbox rules (1 hidden, 2 forward outside)');
      assert.deepEqual(rules.targets.filter((t) => t.data?.hidden === true).map((t) => [t.label, t.data?.forwardsTo]), [['.', 'jd.backup@mailbox.example']]);
      assert.deepEqual(rules.untouched?.map((u) => u.label), ['Junk E-mail Rule', 'Microsoft.Exchange.OOF.KnownExternalSenders.Global', 'Microsoft.Exchange.OOF.AllExternalSenders.Global']);
      assert.equal(n('remove-mobile-mail'), 1);
      assert.deepEqual(step(plan.steps, 'remove-direct-licences').targets.map((t) => t.label), ['POWER_BI_PRO', 'VISIOCLIENT']);
      assert.equal(n('leave-licence-groups'), 0); // the group E3 is kept for the hold
      assert.ok(plan.warnings.some((w) => w.code === 'hold-needs-licence'));
      assert.ok(!plan.warnings.some((w) => w.code === 'read-failed'));
      assert.ok(plan.steps.every((st) => !st.readAtRun));
    });
  });

  it('follows every page when Graph pages at 100 (no $top)', async () => {
    const paged: GraphPort = {
      call: (r) => ports.graph.call(r),
      list: (url, headers) => ports.graph.list(url, headers),
      batch: (requests) => ports.graph.batch(requests.map((r) => ({ ...r, url: r.url.replace('&$top=999', '') }))),
    };
    const s = await takeSnapshot({ graph: paged, exchange: ports.exchange }, P.jane!, P.inheritorCandidate!);
    assert.equal(s.leaver.groups?.length, 103);
    assert.equal(new Set(s.leaver.groups.map((g) => g.id)).size, 103);
    const pages = tenant.requestLog().filter((e) => e.path.endsWith('/memberOf/microsoft.graph.group'));
    assert.equal(pages.length, 2);
    assert.match(pages[1]!.query, /\$skiptoken=/);
    assert.match(pages[1]!.query, /\$select=id,displayName,groupTypes/, 'the next page keeps the $select');
  });

  it('makes no write: only GETs (inside $batch) and Get-* cmdlets', async () => {
    await takeSnapshot(ports, P.jane!, P.inheritorCandidate!);
    const log = tenant.requestLog();
    assert.ok(log.filter((e) => e.service === 'graph' && e.batch).length >= 13, 'the reads travel inside $batch');
    assert.ok(log.some((e) => e.cmdlet === 'Get-InboxRule' && (e.body as { CmdletInput?: { Parameters?: Record<string, unknown> } }).CmdletInput?.Parameters?.IncludeHidden === true));
    assert.deepEqual(writes(log), []);
    assert.ok(log.every((e) => e.status < 400), 'no read failed');
    // The check itself can fail: a write is seen as one.
    assert.equal(writes([{ ...log[0]!, service: 'exchange', cmdlet: 'Set-Mailbox' }]).length, 1);
  });

  it('the synced user: on-premises sync seen, sign-in left to AD', async () => {
    const s = await takeSnapshot(ports, P.syncedUser!, P.inheritorCandidate!);
    assert.equal(s.leaver.onPremisesSyncEnabled, true);
    const plan = planOffboarding(s, DEFAULT_OPTIONS);
    assert.match(step(plan.steps, 'block-sign-in').skip ?? '', /on-premises/);
    assert.ok(plan.warnings.some((w) => w.code === 'synced-user'));
  });

  it('the admin-role user: directory roles read, transitive ones included', async () => {
    const s = await takeSnapshot(ports, P.adminUser!, P.inheritorCandidate!);
    // Security Reader comes through the role-assignable group Privileged Access Reviewers.
    assert.deepEqual(s.leaver.directoryRoles?.map((r) => r.displayName), ['Global Administrator', 'Security Reader']);
    assert.ok(planOffboarding(s, DEFAULT_OPTIONS).warnings.some((w) => w.code === 'directory-roles'));
  });

  it('the user with no manager: no manager, and no warning for it', async () => {
    const s = await takeSnapshot(ports, P.noManagerUser!, P.inheritorCandidate!);
    assert.equal(s.leaver.manager, undefined);
    assert.deepEqual(s.readWarnings, []);
  });

  it('a user with no licence, mailbox or OneDrive (Leo Fischer): null, not warnings', async () => {
    const s = await takeSnapshot(ports, LEO, P.inheritorCandidate!);
    assert.equal(s.leaver.displayName, 'Leo Fischer');
    assert.equal(s.leaver.mailbox, null);
    assert.equal(s.leaver.drive, null);
    assert.deepEqual(s.leaver.licences, []);
    assert.deepEqual(s.readWarnings, []);
    const plan = planOffboarding(s, DEFAULT_OPTIONS);
    assert.deepEqual(plan.refusals, []);
    assert.equal(step(plan.steps, 'litigation-hold').skip, 'no Exchange Online mailbox');
  });

  describe('the inheritor', () => {
    it('a disabled inheritor is read as disabled (the planner refuses)', async () => {
      const s = await takeSnapshot(ports, P.jane!, SALES_INBOX);
      assert.equal(s.inheritor.accountEnabled, false);
      assert.match(planOffboarding(s, DEFAULT_OPTIONS).refusals.join(), /disabled/);
    });

    it('an inheritor without a mailbox: hasMailbox false (the planner refuses FullAccess)', async () => {
      const s = await takeSnapshot(ports, P.jane!, LEO);
      assert.equal(s.inheritor.hasMailbox, false);
      assert.deepEqual(s.readWarnings, []);
      assert.match(planOffboarding(s, DEFAULT_OPTIONS).refusals.join(), /no Exchange Online mailbox/);
    });

    it('the leaver as their own inheritor is read as such (the planner refuses)', async () => {
      const s = await takeSnapshot(ports, P.jane!, P.jane!);
      assert.equal(s.inheritor.id, s.leaver.id);
      assert.match(planOffboarding(s, DEFAULT_OPTIONS).refusals.join(), /their own mailbox/);
    });

    it('an unknown inheritor or leaver is a PreflightError, not a warning', async () => {
      await assert.rejects(takeSnapshot(ports, P.jane!, UNKNOWN), (e: unknown) => e instanceof PreflightError && e.who === 'inheritor' && e.message === `No user with id ${UNKNOWN} (the inheritor).`);
      await assert.rejects(takeSnapshot(ports, UNKNOWN, P.inheritorCandidate!), (e: unknown) => e instanceof PreflightError && e.who === 'leaver' && /^No user with id/.test(e.message) && e.error?.status === 404);
      assert.deepEqual(writes(tenant.requestLog()), []);
    });
  });

  describe('read failures become warnings', () => {
    const denied = (url: string): M365Error =>
      new M365Error({ service: 'graph', status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.', requestId: 'req-403', method: 'GET', url });

    /** Fails every Graph GET (batched or not) whose URL matches. */
    function failingGraph(graph: GraphPort, match: RegExp): GraphPort {
      return {
        call: (r) => (match.test(r.url) ? Promise.reject(denied(r.url)) : graph.call(r)),
        list: (url, headers) => (match.test(url) ? Promise.reject(denied(url)) : graph.list(url, headers)),
        batch: async <T>(requests: GraphRequest[]) => {
          const answers = await graph.batch<T>(requests);
          return answers.map((a, i) => (match.test(requests[i]!.url) ? denied(requests[i]!.url) : a));
        },
      };
    }

    function failingExchange(exchange: ExchangePort, cmdlets: string[]): ExchangePort {
      return {
        invoke: (cmdlet, parameters, anchor) =>
          cmdlets.includes(cmdlet)
            ? Promise.reject(new M365Error({ service: 'exchange', status: 403, code: 'UnauthorizedAccessException', message: `The user isn't authorized to run ${cmdlet}.`, cmdlet }))
            : exchange.invoke(cmdlet, parameters, anchor),
      };
    }

    it('a Graph read that fails leaves only its part undefined, with the error', async () => {
      const s = await takeSnapshot({ graph: failingGraph(ports.graph, /\/managedDevices|\/authentication\/methods/), exchange: ports.exchange }, P.jane!, P.inheritorCandidate!);
      assert.equal(s.leaver.managedDevices, undefined);
      assert.equal(s.leaver.authMethods, undefined);
      assert.equal(s.leaver.groups?.length, 103);
      assert.deepEqual(
        s.readWarnings.map((w) => [w.what, w.error.status, w.error.code, w.error.requestId]),
        [
          ['Intune devices', 403, 'Authorization_RequestDenied', 'req-403'],
          ['MFA methods', 403, 'Authorization_RequestDenied', 'req-403'],
        ],
      );
      const plan = planOffboarding(s, DEFAULT_OPTIONS);
      assert.equal(plan.warnings.filter((w) => w.code === 'read-failed').length, 2);
      assert.equal(step(plan.steps, 'intune-devices').readAtRun, true);
      assert.deepEqual(plan.refusals, []);
    });

    it('owners that cannot be read leave the ownerships unknown rather than miss a sole owner', async () => {
      const s = await takeSnapshot({ graph: failingGraph(ports.graph, /\/owners\?/), exchange: ports.exchange }, P.jane!, P.inheritorCandidate!);
      assert.equal(s.leaver.ownedGroups, undefined);
      assert.deepEqual(s.readWarnings.map((w) => w.what), ['owners of owned groups']);
    });

    it('an app name that cannot be read just leaves the consent unnamed', async () => {
      const s = await takeSnapshot({ graph: failingGraph(ports.graph, /^\/servicePrincipals\//), exchange: ports.exchange }, P.jane!, P.inheritorCandidate!);
      assert.equal(s.leaver.oauthGrants?.length, 2);
      assert.ok(s.leaver.oauthGrants.every((g) => g.clientName === undefined));
      assert.deepEqual(s.readWarnings, []);
    });

    it('an Exchange detail that fails leaves the rest of the mailbox', async () => {
      const s = await takeSnapshot({ graph: ports.graph, exchange: failingExchange(ports.exchange, ['Get-InboxRule']) }, P.jane!, P.inheritorCandidate!);
      assert.equal(s.leaver.mailbox?.recipientTypeDetails, 'UserMailbox');
      assert.equal(s.leaver.mailbox?.inboxRules, undefined);
      assert.equal(s.leaver.mailbox?.mobileDevices?.length, 1);
      assert.deepEqual(s.readWarnings.map((w) => [w.what, w.error.service, w.error.code]), [['inbox rules (Get-InboxRule)', 'exchange', 'UnauthorizedAccessException']]);
      assert.equal(step(planOffboarding(s, DEFAULT_OPTIONS).steps, 'clear-inbox-rules').readAtRun, true);
    });

    it('Exchange unreachable: mailbox unknown, inheritor assumed to have one, both warned — never a crash', async () => {
      const all = ['Get-Mailbox', 'Get-MailboxStatistics', 'Get-InboxRule', 'Get-CASMailbox', 'Get-MobileDevice'];
      const s = await takeSnapshot({ graph: ports.graph, exchange: failingExchange(ports.exchange, all) }, P.jane!, P.inheritorCandidate!);
      assert.equal(s.leaver.mailbox, undefined);
      assert.equal(s.inheritor.hasMailbox, true);
      assert.deepEqual(s.readWarnings.map((w) => w.what).sort(), ["inheritor's mailbox (Get-Mailbox)", 'mailbox (Get-Mailbox)']);
      assert.deepEqual(planOffboarding(s, DEFAULT_OPTIONS).refusals, []);
    });

    it('the whole first $batch refused: the leaver cannot be read, which is a PreflightError', async () => {
      const graph: GraphPort = { ...ports.graph, batch: () => Promise.reject(denied('/$batch')), call: ports.graph.call.bind(ports.graph), list: ports.graph.list.bind(ports.graph) };
      await assert.rejects(takeSnapshot({ graph, exchange: ports.exchange }, P.jane!, P.inheritorCandidate!), (e: unknown) => e instanceof PreflightError && /Couldn't read the leaver/.test(e.message) && e.error?.status === 403);
    });
  });

  describe('at 50 ms latency', () => {
    let slow: SimulatedTenant;
    before(async () => {
      slow = await startSimulatedTenant({ latencyMs: 50 });
    });
    after(() => slow.close());

    it("takes Jane's snapshot in two round trips one after another", async () => {
      const calls: Array<{ record: CallRecord; end: number }> = [];
      const p = gateways(slow, (record) => calls.push({ record, end: performance.now() }));
      await takeSnapshot(p, P.jane!, P.inheritorCandidate!); // warm-up (connections, JIT)
      calls.length = 0;
      const started = performance.now();
      await takeSnapshot(p, P.jane!, P.inheritorCandidate!);
      const wall = performance.now() - started;
      // HTTP requests only (inner $batch records carry their batch's id); depth = the longest chain of requests
      // each starting after the previous one ended.
      const spans = calls.filter((c) => c.record.batchRequestId === undefined).map((c) => ({ start: c.end - c.record.durationMs, end: c.end }));
      const depth = new Map<number, number>();
      spans.sort((a, b) => a.start - b.start).forEach((s, i) => depth.set(i, 1 + Math.max(0, ...spans.slice(0, i).flatMap((t, j) => (t.end <= s.start + 1 ? [depth.get(j)!] : [])))));
      const rounds = Math.max(...depth.values());
      console.log(`      preflight at 50 ms latency: ${Math.round(wall)} ms, ${spans.length} HTTP requests, ${rounds} round trips one after another`);
      assert.equal(rounds, 2);
      assert.ok(wall >= 100, 'two rounds of 50 ms at least');
      assert.ok(wall < 1000, `took ${Math.round(wall)} ms`);
    });
  });
});
