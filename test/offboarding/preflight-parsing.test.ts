// The preflight's pure parts — group kinds, licence sources and plans, Exchange's text forms — and its read plumbing
// with small hand-written fakes of the ports (no tenant).
import assert from 'node:assert/strict';
import { M365Error } from '../../src/m365/errors';
import type { GraphPort, GraphRequest } from '../../src/m365/ports';
import { EXCHANGE_PLAN2_SERVICE_PLAN_ID } from '../../src/offboarding/plan';
import { groupKind, toGroup, toManagedDevice, toRegisteredDevices, verifiedDomains } from '../../src/offboarding/preflight/directory';
import { isMailboxPlan, readLicences, type RawSku } from '../../src/offboarding/preflight/licences';
import { isExternalAddress, isNoMailbox, isSystemInboxRule, parseByteQuantifiedSize, parseRecipient, readMailbox, toInboxRule, toInboxRules } from '../../src/offboarding/preflight/mailbox';
import { collection, getAll, ReadWarnings, underVersion } from '../../src/offboarding/preflight/reads';

const DOMAINS = ['contoso.com', 'contosodemo.onmicrosoft.com'];

describe('preflight parsing', () => {
  it('classifies groups by groupTypes / mailEnabled / securityEnabled', () => {
    assert.equal(groupKind({ id: 'a', groupTypes: [], mailEnabled: false, securityEnabled: true }), 'security');
    assert.equal(groupKind({ id: 'b', groupTypes: ['Unified'], mailEnabled: true, securityEnabled: false }), 'microsoft365');
    assert.equal(groupKind({ id: 'c', groupTypes: ['Unified', 'DynamicMembership'], mailEnabled: true, securityEnabled: true }), 'microsoft365');
    assert.equal(groupKind({ id: 'd', groupTypes: [], mailEnabled: true, securityEnabled: false }), 'distribution');
    assert.equal(groupKind({ id: 'e', groupTypes: [], mailEnabled: true, securityEnabled: true }), 'mailEnabledSecurity');
    assert.deepEqual(toGroup({ id: 'f', displayName: 'F', groupTypes: ['Unified', 'DynamicMembership'], mailEnabled: true, securityEnabled: false, mail: 'f@contoso.com', onPremisesSyncEnabled: null, resourceProvisioningOptions: ['Team'] }), {
      id: 'f',
      displayName: 'F',
      kind: 'microsoft365',
      mail: 'f@contoso.com',
      dynamic: true,
      synced: false,
      team: true,
    });
  });

  it('maps device ownership and keeps only devices from registeredDevices', () => {
    assert.equal(toManagedDevice({ id: '1', managedDeviceOwnerType: 'company' }).ownerType, 'company');
    assert.equal(toManagedDevice({ id: '2', managedDeviceOwnerType: 'personal' }).ownerType, 'personal');
    assert.equal(toManagedDevice({ id: '3', managedDeviceOwnerType: null }).ownerType, 'unknown');
    const devices = toRegisteredDevices([
      { '@odata.type': '#microsoft.graph.device', id: 'd', displayName: 'PC', operatingSystem: 'Windows', accountEnabled: false },
      { '@odata.type': '#microsoft.graph.user', id: 'u' },
    ]);
    assert.deepEqual(devices, [{ id: 'd', displayName: 'PC', operatingSystem: 'Windows', accountEnabled: false }]);
    assert.deepEqual(verifiedDomains({ value: [{ verifiedDomains: [{ name: 'contoso.com' }, { name: 'contoso.onmicrosoft.com' }] }] }), ['contoso.com', 'contoso.onmicrosoft.com']);
  });

  describe('licences', () => {
    const E3 = 'sku-e3';
    const skus: RawSku[] = [
      { skuId: E3, skuPartNumber: 'SPE_E3', servicePlans: [{ servicePlanId: EXCHANGE_PLAN2_SERVICE_PLAN_ID, servicePlanName: 'EXCHANGE_S_ENTERPRISE' }, { servicePlanId: 'teams', servicePlanName: 'TEAMS1' }] },
      { skuId: 'sku-e1', skuPartNumber: 'STANDARDPACK', servicePlans: [{ servicePlanId: 'p1', servicePlanName: 'EXCHANGE_S_STANDARD' }] },
      { skuId: 'sku-pbi', skuPartNumber: 'POWER_BI_PRO', servicePlans: [{ servicePlanId: 'f', servicePlanName: 'EXCHANGE_S_FOUNDATION' }] },
    ];

    it('keeps a SKU assigned both directly and by a group as two entries, names the group', () => {
      const r = readLicences(
        [
          { skuId: E3, disabledPlans: [], assignedByGroup: null, state: 'Active' },
          { skuId: E3, disabledPlans: [], assignedByGroup: 'g1', state: 'Active' },
          { skuId: E3, disabledPlans: [], assignedByGroup: 'g1', state: 'Active' }, // a repeated path counts once
        ],
        skus,
        [{ id: 'g1', displayName: 'LIC - E3', kind: 'security', dynamic: false, synced: false, team: false }],
      );
      assert.deepEqual(
        r.licences.map((l) => [l.source, l.groupId ?? null, l.groupName ?? null, l.carriesExchangePlan2]),
        [
          ['direct', null, null, true],
          ['group', 'g1', 'LIC - E3', true],
        ],
      );
      assert.deepEqual(r.licenceGroupIds, ['g1']);
    });

    it('Plan 2 disabled for the user, or an errored assignment, carries nothing', () => {
      const r = readLicences(
        [
          { skuId: E3, disabledPlans: [EXCHANGE_PLAN2_SERVICE_PLAN_ID], assignedByGroup: null, state: 'Active' },
          { skuId: E3, disabledPlans: [], assignedByGroup: 'g2', state: 'Error' },
          { skuId: 'sku-e1', disabledPlans: [], assignedByGroup: null, state: 'Active' },
          { skuId: 'sku-pbi', disabledPlans: [], assignedByGroup: null, state: 'Active' },
          { skuId: 'sku-unknown', assignedByGroup: null },
        ],
        skus,
        undefined,
      );
      assert.deepEqual(
        r.licences.map((l) => [l.skuPartNumber ?? l.skuId, l.carriesExchangePlan2, l.carriesExchange]),
        [
          ['SPE_E3', false, false],
          ['SPE_E3', false, false],
          ['STANDARDPACK', false, true],
          ['POWER_BI_PRO', false, false],
          ['sku-unknown', false, false],
        ],
      );
      assert.equal(r.licences[1]!.groupName, undefined);
    });

    it('mailbox plans: EXCHANGE_S_* but not the foundation or archive plans', () => {
      assert.deepEqual(
        ['EXCHANGE_S_ENTERPRISE', 'EXCHANGE_S_STANDARD', 'EXCHANGE_S_DESKLESS', 'EXCHANGE_S_FOUNDATION', 'EXCHANGE_S_ARCHIVE_ADDON', 'SHAREPOINTENTERPRISE'].map(isMailboxPlan),
        [true, true, true, false, false, false],
      );
    });
  });

  describe("Exchange's text forms", () => {
    it('reads ByteQuantifiedSize', () => {
      assert.equal(parseByteQuantifiedSize('12.34 GB (13,249,974,272 bytes)'), 13_249_974_272);
      assert.equal(parseByteQuantifiedSize('0 B (0 bytes)'), 0);
      assert.equal(parseByteQuantifiedSize(1024), 1024);
      assert.equal(parseByteQuantifiedSize('Unlimited'), undefined);
      assert.equal(parseByteQuantifiedSize(null), undefined);
    });

    it('reads rule recipients and flags addresses outside the tenant', () => {
      assert.equal(parseRecipient('"jane.doe.home@example.net" [SMTP:jane.doe.home@example.net]'), 'jane.doe.home@example.net');
      assert.equal(parseRecipient('"Marcus Reed" [EX:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=abc-marcus]'), 'Marcus Reed');
      assert.equal(parseRecipient('smtp:x@fabrikam.example'), 'x@fabrikam.example');
      assert.equal(isExternalAddress('x@Example.NET', DOMAINS), true);
      assert.equal(isExternalAddress('x@CONTOSO.com', DOMAINS), false);
      assert.equal(isExternalAddress('Marcus Reed', DOMAINS), false);
      const rule = toInboxRule(
        { Identity: 'jane\\1', Name: 'Mixed', ForwardTo: ['"Marcus Reed" [EX:/o=ExchangeLabs/cn=Recipients/cn=m]'], RedirectTo: ['"x" [SMTP:x@fabrikam.example]'], ForwardAsAttachmentTo: null },
        DOMAINS,
      );
      assert.deepEqual(rule, { identity: 'jane\\1', name: 'Mixed', forwardsTo: ['Marcus Reed', 'x@fabrikam.example'], external: true });
      assert.equal(toInboxRule({ Identity: 'jane\\2', Name: 'Internal', ForwardTo: ['"t" [SMTP:tom@contoso.com]'] }, DOMAINS).external, false);
    });

    it('flags hidden rules (listed only with -IncludeHidden) and the system rules, which never forward', () => {
      assert.equal(isSystemInboxRule('Junk E-mail Rule', []), true);
      assert.equal(isSystemInboxRule('Microsoft.Exchange.OOF.AllExternalSenders.Global', []), true);
      assert.equal(isSystemInboxRule('microsoft.exchange.oof.InternalSenders.Global', []), true);
      assert.equal(isSystemInboxRule('Microsoft.Exchange.OOF.AllExternalSenders.Global', ['x@fabrikam.example']), false, 'named like one, but forwards');
      assert.equal(isSystemInboxRule('Junk mail to folder', []), false);
      const all = [
        { Identity: 'jane\\1', RuleIdentity: '1', Name: 'Newsletters' },
        { Identity: 'jane\\2', RuleIdentity: '2', Name: '.', RedirectTo: ['"x" [SMTP:x@fabrikam.example]'] },
        { Identity: 'jane\\3', RuleIdentity: '3', Name: 'Junk E-mail Rule' },
      ];
      const rules = toInboxRules(all, [all[0]!], DOMAINS);
      assert.deepEqual(
        rules.map((r) => [r.name, r.hidden ?? false, r.system ?? false, r.external]),
        [
          ['Newsletters', false, false, false],
          ['.', true, false, true],
          ['Junk E-mail Rule', true, true, false],
        ],
      );
      // The plain list unreadable: nothing is called hidden, the rules are all there.
      assert.deepEqual(toInboxRules(all, undefined, DOMAINS).map((r) => r.hidden ?? false), [false, false, false]);
    });

    it('reads rules with -IncludeHidden; the plain list failing only loses which are hidden, with a warning', async () => {
      const warnings = new ReadWarnings();
      const calls: Array<Record<string, unknown>> = [];
      const exchange = {
        invoke: <T>(cmdlet: string, parameters: Record<string, unknown>): Promise<{ value: T[]; warnings: string[] }> => {
          if (cmdlet === 'Get-InboxRule') {
            calls.push(parameters);
            return parameters.IncludeHidden === true
              ? Promise.resolve({ value: [{ Identity: 'x\\7', RuleIdentity: '7', Name: '..', ForwardTo: ['"y" [SMTP:y@fabrikam.example]'] }] as T[], warnings: [] })
              : Promise.reject(new M365Error({ service: 'exchange', status: 500, code: 'InternalError', message: 'boom' }));
          }
          const outputs: Record<string, unknown[]> = { 'Get-Mailbox': [{ RecipientTypeDetails: 'UserMailbox' }], 'Get-MailboxStatistics': [{ TotalItemSize: '1 GB (1,073,741,824 bytes)' }], 'Get-CASMailbox': [{}] };
          return Promise.resolve({ value: (outputs[cmdlet] ?? []) as T[], warnings: [] });
        },
      };
      const m = await readMailbox(exchange, 'x@contoso.com', DOMAINS, warnings);
      assert.deepEqual(calls, [{ Mailbox: 'x@contoso.com', IncludeHidden: true }, { Mailbox: 'x@contoso.com' }]);
      assert.deepEqual(m?.inboxRules, [{ identity: 'x\\7', name: '..', forwardsTo: ['y@fabrikam.example'], external: true }]);
      assert.deepEqual(warnings.list.map((w) => [w.what, w.error.code]), [['which inbox rules are hidden (Get-InboxRule without -IncludeHidden)', 'InternalError']]);
    });

    it('knows "no mailbox" from other Exchange failures', () => {
      const notFound = new M365Error({ service: 'exchange', status: 404, code: 'ManagementObjectNotFoundException', message: "The operation couldn't be performed because object 'x' couldn't be found on 'DC'." });
      const denied = new M365Error({ service: 'exchange', status: 403, code: 'UnauthorizedAccessException', message: 'Access denied' });
      assert.equal(isNoMailbox(notFound), true);
      assert.equal(isNoMailbox(denied), false);
      assert.equal(isNoMailbox(new Error("couldn't be found")), false);
    });

    it('a size Exchange writes in another form becomes a warning, not a wrong number', async () => {
      const warnings = new ReadWarnings();
      const exchange = {
        invoke: <T>(cmdlet: string): Promise<{ value: T[]; warnings: string[] }> => {
          const outputs: Record<string, unknown[]> = {
            'Get-Mailbox': [{ RecipientTypeDetails: 'SharedMailbox', LitigationHoldEnabled: true, ArchiveStatus: 'Active', ForwardingSmtpAddress: 'smtp:a@b.example' }],
            'Get-MailboxStatistics': [{ TotalItemSize: 'Unlimited' }],
            'Get-CASMailbox': [{ ActiveSyncEnabled: false, PopEnabled: false, ImapEnabled: false }],
          };
          return Promise.resolve({ value: (outputs[cmdlet] ?? []) as T[], warnings: [] });
        },
      };
      const m = await readMailbox(exchange, 'x@contoso.com', DOMAINS, warnings);
      assert.deepEqual(m, {
        recipientTypeDetails: 'SharedMailbox',
        litigationHoldEnabled: true,
        forwardingSmtpAddress: 'smtp:a@b.example',
        hiddenFromAddressLists: false,
        archiveActive: true,
        inboxRules: [],
        protocols: { activeSync: false, pop: false, imap: false },
        mobileDevices: [],
      });
      assert.deepEqual(warnings.list.map((w) => [w.what, w.error.code]), [['mailbox size (Get-MailboxStatistics)', 'TypeError']]);
    });
  });

  describe('read plumbing with a fake GraphPort', () => {
    function fakeGraph(pages: Record<string, unknown>, batch?: GraphPort['batch']): GraphPort & { listed: string[] } {
      const listed: string[] = [];
      return {
        listed,
        call: () => Promise.reject(new Error('not used')),
        list: <T>(url: string) => {
          listed.push(url);
          return Promise.resolve((pages[url] ?? []) as T[]);
        },
        batch: batch ?? (<T>(requests: GraphRequest[]) => Promise.resolve(requests.map((r) => ({ status: 200, body: pages[r.url] as T })))),
      };
    }

    it('follows a batched first page by its nextLink, as a path under the version', async () => {
      const graph = fakeGraph({ '/users/u/memberOf?$skiptoken=X': [{ id: 'b' }] });
      const items = await collection(graph, { status: 200, body: { value: [{ id: 'a' }], '@odata.nextLink': 'https://graph.microsoft.com/v1.0/users/u/memberOf?$skiptoken=X' } });
      assert.deepEqual(items, [{ id: 'a' }, { id: 'b' }]);
      assert.deepEqual(graph.listed, ['/users/u/memberOf?$skiptoken=X']);
      assert.equal(underVersion('http://127.0.0.1:5099/v1.0/groups/g/owners?$top=999&$skiptoken=Y'), '/groups/g/owners?$top=999&$skiptoken=Y');
    });

    it('a collection answer without a value array is an error, not an empty list', async () => {
      await assert.rejects(collection(fakeGraph({}), { status: 200, body: {} }), TypeError);
    });

    it('a failing $batch answers every key with its error', async () => {
      const boom = new M365Error({ service: 'graph', status: 401, code: 'InvalidAuthenticationToken', message: 'Access token is empty.' });
      const answers = await getAll(fakeGraph({}, () => Promise.reject(boom)), { a: '/a', b: '/b' });
      assert.equal(answers.a, boom);
      assert.equal(answers.b, boom);
      const warnings = new ReadWarnings();
      assert.equal(await warnings.attempt('thing', () => Promise.reject(new RangeError('bad'))), undefined);
      assert.deepEqual(warnings.list, [{ what: 'thing', error: { service: 'graph', status: 0, code: 'RangeError', message: 'bad' } }]);
    });
  });
});
