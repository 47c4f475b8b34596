// The reinstatement's runners against scripted Graph and Exchange answers: the requests each sends, "already back" /
// "already gone" as done, failures recorded with their error, no new write on a second run, and the Temporary Access
// Pass reaching the vault and nothing else.
import assert from 'node:assert/strict';
import { M365Error } from '../../src/m365/errors';
import type { ExchangePort, GraphPort, GraphRequest } from '../../src/m365/ports';
import type { PlannedStep, ReinstateStepKind, Target } from '../../src/offboarding/plan';
import { PassVault } from '../../src/offboarding/reinstate/pass-vault';
import type { ItemRecord, RunPeople } from '../../src/offboarding/run';
import { autoReply } from '../../src/offboarding/steps/auto-reply';
import type { StepContext, StepRunner } from '../../src/offboarding/steps/context';
import { issueTemporaryAccessPass, REINSTATE_RUNNERS } from '../../src/offboarding/steps/reinstate';
import { stepContext } from './step-context';

const ROOT = 'https://graph.microsoft.com/v1.0';
const PEOPLE: RunPeople = {
  leaver: { id: 'u-jane', displayName: 'Jane Doe', userPrincipalName: 'jane@contoso.com', mail: 'jane@contoso.com', accountEnabled: false },
  inheritor: { id: 'u-ian', displayName: 'Ian Heir', userPrincipalName: 'ian@contoso.com', mail: 'ian.heir@contoso.com', accountEnabled: true },
  manager: { id: 'u-max', displayName: 'Max Boss', userPrincipalName: 'max@contoso.com', accountEnabled: true },
};
const JANE: Target = { id: 'u-jane', label: 'Jane Doe' };
const IAN: Target = { id: 'u-ian', label: 'Ian Heir' };
const PASS = 'Xy7!secret-pass-9Q';

const gErr = (status: number, code: string, message = code): M365Error => new M365Error({ service: 'graph', status, code, message, requestId: `rid-${status}` });
const xErr = (code: string, message: string): M365Error => new M365Error({ service: 'exchange', status: 400, code, message });

type Answer = unknown;
type GraphHandler = (req: GraphRequest) => Answer;
type ExchangeHandler = (cmdlet: string, parameters: Record<string, unknown>) => { value?: unknown[]; warnings?: string[] } | void;

interface Fake {
  graph: GraphPort;
  exchange: ExchangePort;
  requests: GraphRequest[];
  cmdlets: Array<{ cmdlet: string; parameters: Record<string, unknown> }>;
}

/** A scripted throw becomes the rejection a gateway gives. */
const settle = <T>(f: () => T): Promise<T> => new Promise((resolve) => resolve(f()));

function fake(onGraph: GraphHandler = () => undefined, onExchange: ExchangeHandler = () => undefined): Fake {
  const requests: GraphRequest[] = [];
  const cmdlets: Fake['cmdlets'] = [];
  const answer = (req: GraphRequest): { status: number; body: never } => {
    requests.push(req);
    return { status: 200, body: onGraph(req) as never };
  };
  const graph: GraphPort = {
    call: (req) => settle(() => answer(req)),
    list: (url) => settle(() => (answer({ method: 'GET', url }).body as { value: never[] }).value),
    batch: (reqs) =>
      Promise.resolve(
        reqs.map((req) => {
          try {
            return answer(req);
          } catch (err) {
            if (err instanceof M365Error) {
              return err;
            }
            throw err;
          }
        }),
      ),
  };
  const exchange: ExchangePort = {
    invoke: <T>(cmdlet: string, parameters: Record<string, unknown>) =>
      settle(() => {
        cmdlets.push({ cmdlet, parameters });
        const r = onExchange(cmdlet, parameters);
        return { value: (r?.value ?? []) as T[], warnings: r?.warnings ?? [] };
      }),
  };
  return { graph, exchange, requests, cmdlets };
}

const writes = (f: Fake): GraphRequest[] => f.requests.filter((r) => r.method !== 'GET');
const exoWrites = (f: Fake): string[] => f.cmdlets.filter((c) => !c.cmdlet.startsWith('Get-')).map((c) => c.cmdlet);

function step(kind: ReinstateStepKind, targets: Target[], params?: PlannedStep['params']): PlannedStep {
  return { kind, phase: 'reinstate', title: kind, dependsOn: [], targets, rounds: 1, ...(params ? { params } : {}) };
}

/** Runs a step; every record written is kept as JSON too (to prove the pass never reaches one). */
async function run(
  kind: ReinstateStepKind,
  targets: Target[],
  f: Fake,
  opts: { params?: PlannedStep['params']; records?: Map<string, ItemRecord>; passes?: PassVault | null; runner?: StepRunner; settings?: Partial<StepContext['settings']> } = {},
): Promise<{ records: Map<string, ItemRecord>; written: string[]; ctx: StepContext }> {
  const { ctx, records } = stepContext({ step: step(kind, targets, opts.params), people: PEOPLE, graph: f.graph, exchange: f.exchange, records: opts.records });
  const written: string[] = [];
  const ledger = ctx.ledger;
  ctx.ledger = {
    previous: (id) => ledger.previous(id),
    record: (t, r) => {
      written.push(JSON.stringify(r));
      return ledger.record(t, r);
    },
  };
  ctx.requestId = 'req-1';
  ctx.settings = { ...ctx.settings, ...opts.settings };
  ctx.passes = opts.passes === null ? undefined : (opts.passes ?? new PassVault());
  await (opts.runner ?? REINSTATE_RUNNERS[kind])(ctx);
  return { records, written, ctx };
}

const statusOf = (records: Map<string, ItemRecord>): Record<string, string> => Object.fromEntries([...records].map(([id, r]) => [id, `${r.status}${r.detail ? `: ${r.detail}` : ''}`]));

/** A second run over the first run's records: no request at all (every target is finished). */
async function secondRunIsQuiet(kind: ReinstateStepKind, targets: Target[], records: Map<string, ItemRecord>, params?: PlannedStep['params']): Promise<void> {
  const again = fake(() => {
    throw new Error('no request expected');
  }, () => {
    throw new Error('no cmdlet expected');
  });
  await run(kind, targets, again, { records, params });
  assert.deepEqual([again.requests.length, again.cmdlets.length], [0, 0]);
}

describe('reinstatement runners', () => {
  it('every reinstatement step kind has a runner', () => {
    for (const runner of Object.values(REINSTATE_RUNNERS)) {
      assert.equal(typeof runner, 'function');
    }
    assert.equal(Object.keys(REINSTATE_RUNNERS).length, 17);
  });

  describe('restore-account', () => {
    it('restores from deleted items; a second run sends nothing', async () => {
      const f = fake();
      const { records } = await run('restore-account', [JANE], f);
      assert.deepEqual(f.requests, [{ method: 'POST', url: '/directory/deletedItems/u-jane/restore' }]);
      assert.deepEqual(statusOf(records), { 'u-jane': 'done: restored' });
      await secondRunIsQuiet('restore-account', [JANE], records);
    });

    it('404 and the user is there: already back; 404 and no user: failed with the restore\'s error', async () => {
      const back = fake((r) => {
        if (r.method === 'POST') {
          throw gErr(404, 'Request_ResourceNotFound');
        }
        return { id: 'u-jane' };
      });
      assert.deepEqual(statusOf((await run('restore-account', [JANE], back)).records), { 'u-jane': 'done: already back' });
      assert.deepEqual(back.requests[1], { method: 'GET', url: '/users/u-jane?$select=id' });
      const gone = fake(() => {
        throw gErr(404, 'Request_ResourceNotFound', 'gone for good');
      });
      const { records } = await run('restore-account', [JANE], gone);
      assert.equal(records.get('u-jane')?.status, 'failed');
      assert.equal(records.get('u-jane')?.error?.url, undefined);
      assert.match(records.get('u-jane')!.detail!, /404 Request_ResourceNotFound: gone for good/);
    });
  });

  describe('enable-sign-in', () => {
    it('reads, then enables; already enabled is back without a write; a refusal is recorded', async () => {
      const f = fake((r) => (r.method === 'GET' ? { accountEnabled: false } : undefined));
      const { records } = await run('enable-sign-in', [JANE], f);
      assert.deepEqual(writes(f), [{ method: 'PATCH', url: '/users/u-jane', body: { accountEnabled: true } }]);
      assert.equal(records.get('u-jane')?.status, 'done');
      await secondRunIsQuiet('enable-sign-in', [JANE], records);

      const on = fake(() => ({ accountEnabled: true }));
      assert.deepEqual(statusOf((await run('enable-sign-in', [JANE], on)).records), { 'u-jane': 'done: already back' });
      assert.deepEqual(writes(on), []);

      const refused = fake((r) => {
        if (r.method === 'PATCH') {
          throw gErr(400, 'Request_BadRequest', 'on-premises mastered');
        }
        throw gErr(403, 'Authorization_RequestDenied');
      });
      const failed = (await run('enable-sign-in', [JANE], refused)).records.get('u-jane')!;
      assert.deepEqual([failed.status, failed.error?.code], ['failed', 'Request_BadRequest']);
    });
  });

  describe('temporary-access-pass', () => {
    const created = { id: 'tap-new', temporaryAccessPass: PASS, startDateTime: '2026-12-03T14:40:00Z', lifetimeInMinutes: 60, isUsableOnce: true };

    it('records sent before the POST, puts the pass in the vault, and never in a record', async () => {
      const vault = new PassVault();
      let sentFirst = false;
      const records = new Map<string, ItemRecord>();
      const f = fake((r) => {
        if (r.method === 'POST') {
          sentFirst = records.get('u-jane')?.status === 'sent';
          return created;
        }
        throw new Error(`unexpected ${r.method} ${r.url}`);
      });
      const { written } = await run('temporary-access-pass', [JANE], f, { passes: vault, records, params: { lifetimeInMinutes: 60, isUsableOnce: true } });
      assert.ok(sentFirst, 'recorded sent before the POST');
      assert.deepEqual(f.requests, [{ method: 'POST', url: '/users/u-jane/authentication/temporaryAccessPassMethods', body: { lifetimeInMinutes: 60, isUsableOnce: true }, once: true }]);
      assert.deepEqual(vault.take('req-1', new Date('2026-12-03T15:00:00Z')), { pass: PASS, expiresAt: '2026-12-03T15:40:00.000Z', usableOnce: true });
      assert.equal(records.get('u-jane')?.detail, 'created; valid for 60 minutes (until 15:40 UTC), one use; shown once to the requester');
      assert.deepEqual(written.map((w) => (JSON.parse(w) as ItemRecord).status), ['sent', 'done']);
      for (const w of [...written, JSON.stringify([...records])]) {
        assert.ok(!w.includes(PASS), 'the pass is in no record');
      }
      await secondRunIsQuiet('temporary-access-pass', [JANE], records);
    });

    it('a previous "sent" (the answer was lost): deletes the pass the user holds first', async () => {
      const vault = new PassVault();
      const records = new Map<string, ItemRecord>([['u-jane', { status: 'sent', label: 'Jane Doe', at: '2026-12-03T14:00:00Z' }]]);
      const f = fake((r) => {
        if (r.method === 'GET') {
          return { value: [{ id: 'tap-old' }] };
        }
        return r.method === 'POST' ? created : undefined;
      });
      await run('temporary-access-pass', [JANE], f, { passes: vault, records, params: { lifetimeInMinutes: 30, isUsableOnce: false } });
      assert.deepEqual(
        f.requests.map((r) => `${r.method} ${r.url}`),
        [
          'GET /users/u-jane/authentication/temporaryAccessPassMethods?$select=id',
          'DELETE /users/u-jane/authentication/temporaryAccessPassMethods/tap-old',
          'POST /users/u-jane/authentication/temporaryAccessPassMethods',
        ],
      );
      assert.deepEqual(f.requests[2]!.body, { lifetimeInMinutes: 30, isUsableOnce: false });
      assert.equal(records.get('u-jane')?.status, 'done');
      assert.ok(vault.has('req-1', new Date('2026-12-03T14:41:00Z')));
    });

    it('a refused POST is recorded without the pass; no vault: fails before any request', async () => {
      const records = new Map<string, ItemRecord>();
      const refused = fake((r) => {
        if (r.method === 'POST') {
          throw gErr(400, 'badRequest', 'Temporary Access Pass is disabled by policy');
        }
        return { value: [] };
      });
      const vault = new PassVault();
      await run('temporary-access-pass', [JANE], refused, { passes: vault, records });
      assert.deepEqual([records.get('u-jane')?.status, records.get('u-jane')?.error?.code], ['failed', 'badRequest']);
      assert.equal(vault.has('req-1'), false);
      // The retry can't know whether a pass was made: it deletes first.
      const retry = fake((r) => (r.method === 'GET' ? { value: [] } : created));
      await run('temporary-access-pass', [JANE], retry, { passes: vault, records });
      assert.deepEqual(retry.requests.map((r) => r.method), ['GET', 'POST']);

      const none = fake(() => {
        throw new Error('no request expected');
      });
      const { records: r2, written } = await run('temporary-access-pass', [JANE], none, { passes: null });
      assert.deepEqual([r2.get('u-jane')?.status, r2.get('u-jane')?.error?.code], ['failed', 'NoPassVault']);
      assert.deepEqual(written.map((w) => (JSON.parse(w) as ItemRecord).status), ['failed']);
      assert.equal(none.requests.length, 0);
    });

    it('issueTemporaryAccessPass: deletes the existing pass, then creates one', async () => {
      const f = fake((r) => (r.method === 'GET' ? { value: [{ id: 'a' }] } : r.method === 'POST' ? { ...created, isUsableOnce: false, lifetimeInMinutes: 15 } : undefined));
      const held = await issueTemporaryAccessPass(f.graph, 'u-jane', { lifetimeInMinutes: 15, isUsableOnce: false });
      assert.deepEqual(held, { pass: PASS, expiresAt: '2026-12-03T14:55:00.000Z', usableOnce: false });
      assert.deepEqual(f.requests.map((r) => r.method), ['GET', 'DELETE', 'POST']);
    });
  });

  describe('restore-direct-licences', () => {
    const E3: Target = { id: 'sku-e3', label: 'ENTERPRISEPACK' };
    const EMS: Target = { id: 'sku-ems', label: 'EMS' };
    const VISIO: Target = { id: 'sku-visio', label: 'VISIO' };
    const skus = {
      value: [
        { skuId: 'sku-e3', skuPartNumber: 'ENTERPRISEPACK', prepaidUnits: { enabled: 10 }, consumedUnits: 9 },
        { skuId: 'sku-ems', skuPartNumber: 'EMS', prepaidUnits: { enabled: 5 }, consumedUnits: 5 },
        { skuId: 'sku-visio', skuPartNumber: 'VISIO', prepaidUnits: { enabled: 5 }, consumedUnits: 1 },
      ],
    };
    const tenant = (assigned: string[], onAssign: () => unknown = () => ({})): Fake =>
      fake((r) => (r.url.startsWith('/subscribedSkus') ? skus : r.method === 'GET' ? { assignedLicenses: assigned.map((skuId) => ({ skuId })) } : onAssign()));

    it('one assignLicense for those with a free seat; assigned ones are back; no seat fails by name', async () => {
      const f = tenant(['sku-visio']);
      // The E3's turned-off plans, as the offboarding recorded them with the removed licence, are turned off again.
      const e3 = { ...E3, data: { disabledPlans: 'plan-teams,plan-yammer' } };
      const { records } = await run('restore-direct-licences', [e3, EMS, VISIO], f);
      assert.deepEqual(writes(f), [{ method: 'POST', url: '/users/u-jane/assignLicense', body: { addLicenses: [{ skuId: 'sku-e3', disabledPlans: ['plan-teams', 'plan-yammer'] }], removeLicenses: [] } }]);
      assert.deepEqual(statusOf(records), {
        'sku-visio': 'done: already back',
        'sku-ems': 'failed: 409 NoFreeSeat: EMS: no free seat: buy or free one, then retry',
        'sku-e3': 'done: assigned again',
      });
      await secondRunIsQuiet('restore-direct-licences', [E3, VISIO], records);
    });

    it('a refused assignLicense (no usage location) fails each licence it carried', async () => {
      const f = tenant([], () => {
        throw gErr(400, 'Request_BadRequest', 'License assignment failed because service plans are not available in the user\'s usage location.');
      });
      const { records } = await run('restore-direct-licences', [E3, VISIO], f);
      assert.deepEqual([records.get('sku-e3')?.error?.code, records.get('sku-visio')?.status], ['Request_BadRequest', 'failed']);
      assert.deepEqual((writes(f)[0]!.body as { addLicenses: unknown[] }).addLicenses.length, 2);
    });
  });

  describe('group membership and ownership', () => {
    const G1: Target = { id: 'g1', label: 'Sales', data: { kind: 'security' } };
    const G2: Target = { id: 'g2', label: 'Project X', data: { kind: 'unified' } };
    const alreadyThere = gErr(400, 'Request_BadRequest', "One or more added object references already exist for the following modified properties: 'members'.");

    for (const [kind, relation] of [
      ['rejoin-groups', 'members'],
      ['rejoin-licence-groups', 'members'],
      ['restore-group-ownerships', 'owners'],
    ] as const) {
      it(`${kind}: POST ${relation}/$ref in $batch; "already exist" is back; another error fails`, async () => {
        const G3: Target = { id: 'g3', label: 'Dynamic' };
        const f = fake((r) => {
          if (r.url.startsWith('/groups/g2')) {
            throw alreadyThere;
          }
          if (r.url.startsWith('/groups/g3')) {
            throw gErr(400, 'Request_BadRequest', 'Insufficient privileges: dynamic membership');
          }
          return undefined;
        });
        const { records } = await run(kind, [G1, G2, G3], f);
        assert.deepEqual(f.requests[0], { method: 'POST', url: `/groups/g1/${relation}/$ref`, body: { '@odata.id': `${ROOT}/directoryObjects/u-jane` } });
        assert.deepEqual(
          [records.get('g1')?.status, records.get('g2')?.detail, records.get('g3')?.status],
          ['done', 'already back', 'failed'],
        );
        await secondRunIsQuiet(kind, [G1, G2], records);
      });
    }

    it('rejoin-distribution-lists: Add-DistributionGroupMember by mail (else id); "already a member" is back', async () => {
      const D1: Target = { id: 'd1', label: 'All staff', data: { mail: 'all@contoso.com' } };
      const D2: Target = { id: 'd2', label: 'Sales DL', data: { mail: null } };
      const D3: Target = { id: 'd3', label: 'Locked DL', data: { mail: 'locked@contoso.com' } };
      const f = fake(undefined, (_cmdlet, p) => {
        if (p.Identity === 'd2') {
          throw xErr('MemberAlreadyExistsException', 'The recipient "jane@contoso.com" is already a member of the group "Sales DL".');
        }
        if (p.Identity === 'locked@contoso.com') {
          throw xErr('OperationRequiresGroupManagerException', 'You don\'t have sufficient permissions.');
        }
      });
      const { records } = await run('rejoin-distribution-lists', [D1, D2, D3], f);
      assert.deepEqual(f.cmdlets[0], { cmdlet: 'Add-DistributionGroupMember', parameters: { Identity: 'all@contoso.com', Member: 'jane@contoso.com', BypassSecurityGroupManagerCheck: true } });
      assert.deepEqual(statusOf(records), {
        d1: 'done: member again',
        d2: 'done: already back',
        d3: "failed: 400 OperationRequiresGroupManagerException: You don't have sufficient permissions.",
      });
      await secondRunIsQuiet('rejoin-distribution-lists', [D1, D2], records);
    });

    it('undo-group-handover: removes only what was added; 404 is already gone; the last owner refusal is recorded', async () => {
      const H1: Target = { id: 'h1', label: 'Team A', data: { heirId: 'u-max', owner: true, member: true } };
      const H2: Target = { id: 'h2', label: 'Group B', data: { heirId: 'u-max', owner: true, member: false } };
      const H3: Target = { id: 'h3', label: 'Group C', data: { heirId: 'u-ian', owner: true, member: false } };
      const f = fake((r) => {
        if (r.url.startsWith('/groups/h2')) {
          throw gErr(404, 'Request_ResourceNotFound');
        }
        if (r.url.startsWith('/groups/h3')) {
          throw gErr(400, 'Request_BadRequest', 'The group must have at least one owner, hence this owner cannot be removed.');
        }
        return undefined;
      });
      const { records } = await run('undo-group-handover', [H1, H2, H3], f);
      assert.deepEqual(
        f.requests.map((r) => `${r.method} ${r.url}`),
        ['DELETE /groups/h1/owners/u-max/$ref', 'DELETE /groups/h1/members/u-max/$ref', 'DELETE /groups/h2/owners/u-max/$ref', 'DELETE /groups/h3/owners/u-ian/$ref'],
      );
      assert.deepEqual(
        [records.get('h1')?.detail, records.get('h2')?.detail, records.get('h3')?.status, records.get('h3')?.error?.status],
        ['Max Boss removed as owner and member', 'already gone', 'failed', 400],
      );
      await secondRunIsQuiet('undo-group-handover', [H1, H2], records);
    });
  });

  describe('enable-entra-devices', () => {
    it('reads in $batch, enables the disabled ones; enabled ones are back; a failed PATCH is recorded', async () => {
      const D = (id: string): Target => ({ id, label: id });
      const f = fake((r) => {
        if (r.method === 'GET') {
          return { accountEnabled: r.url.startsWith('/devices/dev-on') };
        }
        if (r.url === '/devices/dev-mac') {
          throw gErr(403, 'Authorization_RequestDenied', 'app-only calls can change Windows devices only');
        }
        return undefined;
      });
      const targets = [D('dev-1'), D('dev-on'), D('dev-mac')];
      const { records } = await run('enable-entra-devices', targets, f);
      assert.deepEqual(writes(f), [
        { method: 'PATCH', url: '/devices/dev-1', body: { accountEnabled: true } },
        { method: 'PATCH', url: '/devices/dev-mac', body: { accountEnabled: true } },
      ]);
      assert.deepEqual(statusOf(records), {
        'dev-on': 'done: already back',
        'dev-1': 'done: enabled',
        'dev-mac': 'failed: 403 Authorization_RequestDenied: app-only calls can change Windows devices only (request id rid-403)',
      });
      await secondRunIsQuiet('enable-entra-devices', targets.slice(0, 2), records);
    });
  });

  describe('mailbox', () => {
    const EXO = '9aaf7827-d63c-4b61-89c3-182f06f82e5c';
    /** The user's E3 and the tenant's SKUs (Exchange Online (Plan 1) in the E3), the plan disabled when `on` is false. */
    const licensed = (on: boolean): GraphHandler => (req) =>
      req.url.startsWith('/subscribedSkus')
        ? { value: [{ skuId: 'sku-e3', servicePlans: [{ servicePlanId: EXO, servicePlanName: 'EXCHANGE_S_STANDARD' }] }] }
        : req.url.includes('licenseAssignmentStates')
          ? { licenseAssignmentStates: [{ skuId: 'sku-e3', disabledPlans: on ? [] : [EXO], state: 'Active' }] }
          : undefined;
    it('mailbox-to-regular: Get-Mailbox, an Exchange licence checked, Set-Mailbox -Type Regular, done once Exchange reports a user mailbox; a user mailbox is back', async () => {
      // Exchange converts a while after accepting: the second Get-Mailbox after the change reports it.
      let converted = 0;
      const f = fake(licensed(true), (c) => {
        if (c === 'Set-Mailbox') {
          converted = 1;
        } else if (c === 'Get-Mailbox') {
          return { value: [{ RecipientTypeDetails: converted > 0 && converted++ > 1 ? 'UserMailbox' : 'SharedMailbox' }] };
        }
        return undefined;
      });
      const { records } = await run('mailbox-to-regular', [JANE], f);
      const get = { cmdlet: 'Get-Mailbox', parameters: { Identity: 'jane@contoso.com' } };
      assert.deepEqual(f.cmdlets, [get, { cmdlet: 'Set-Mailbox', parameters: { Identity: 'jane@contoso.com', Type: 'Regular' } }, get, get]);
      assert.deepEqual(statusOf(records), { 'u-jane': 'done: a user mailbox again (reported by Exchange after 2 checks)' });
      await secondRunIsQuiet('mailbox-to-regular', [JANE], records);
      const back = fake(undefined, () => ({ value: [{ RecipientTypeDetails: 'UserMailbox' }] }));
      assert.deepEqual(statusOf((await run('mailbox-to-regular', [JANE], back)).records), { 'u-jane': 'done: already back' });
      assert.deepEqual(exoWrites(back), []);
      // No licence with an Exchange plan (the E3 here has it disabled): no conversion, the step fails saying why.
      const unlicensed = fake(licensed(false), () => ({ value: [{ RecipientTypeDetails: 'SharedMailbox' }] }));
      const failed = (await run('mailbox-to-regular', [JANE], unlicensed, { settings: { sharedPollInitialMs: 1, sharedPollMaxMs: 1, sharedPollTimeoutMs: 0 } })).records.get('u-jane');
      assert.equal(failed?.error?.code, 'NoExchangeLicence');
      assert.deepEqual(exoWrites(unlicensed), []);
      const refused = fake(licensed(true), (c) => {
        if (c === 'Set-Mailbox') {
          throw xErr('InvalidOperationException', 'A license is required to convert to a user mailbox.');
        }
        return { value: [{ RecipientTypeDetails: 'SharedMailbox' }] };
      });
      assert.equal((await run('mailbox-to-regular', [JANE], refused)).records.get('u-jane')?.error?.code, 'InvalidOperationException');
    });

    it('show-in-address-list: shows a hidden mailbox; shown is back; on-premises refusal is a skip with a follow-up', async () => {
      const f = fake(undefined, (c) => (c === 'Get-Mailbox' ? { value: [{ HiddenFromAddressListsEnabled: true }] } : undefined));
      const { records } = await run('show-in-address-list', [JANE], f);
      assert.deepEqual(f.cmdlets[1], { cmdlet: 'Set-Mailbox', parameters: { Identity: 'jane@contoso.com', HiddenFromAddressListsEnabled: false } });
      await secondRunIsQuiet('show-in-address-list', [JANE], records);
      const back = fake(undefined, () => ({ value: [{ HiddenFromAddressListsEnabled: false }] }));
      assert.deepEqual(statusOf((await run('show-in-address-list', [JANE], back)).records), { 'u-jane': 'done: already back' });
      const synced = fake(undefined, (c) => {
        if (c === 'Set-Mailbox') {
          throw xErr('TaskException', "The operation on mailbox \"Jane\" failed because it's out of the current user's write scope. The action 'Set-Mailbox', 'HiddenFromAddressListsEnabled', can't be performed on the object 'Jane' because the object is being synchronized from your on-premises organization.");
        }
      });
      const skipped = (await run('show-in-address-list', [JANE], synced)).records.get('u-jane')!;
      assert.equal(skipped.status, 'skipped');
      assert.match(skipped.followUp!, /msExchHideFromAddressLists to FALSE/);
    });

    it('restore-mobile-protocols: sets only what differs from the values before; all equal is back', async () => {
      const params = { activeSync: true, pop: false, imap: true };
      const f = fake(undefined, (c) => (c === 'Get-CASMailbox' ? { value: [{ ActiveSyncEnabled: false, PopEnabled: false, ImapEnabled: false }] } : undefined));
      const { records } = await run('restore-mobile-protocols', [JANE], f, { params });
      assert.deepEqual(f.cmdlets[1], { cmdlet: 'Set-CASMailbox', parameters: { Identity: 'jane@contoso.com', ActiveSyncEnabled: true, ImapEnabled: true } });
      assert.equal(records.get('u-jane')?.detail, 'ActiveSync on, Imap on');
      await secondRunIsQuiet('restore-mobile-protocols', [JANE], records, params);
      const back = fake(undefined, () => ({ value: [{ ActiveSyncEnabled: true, PopEnabled: false, ImapEnabled: true }] }));
      assert.deepEqual(statusOf((await run('restore-mobile-protocols', [JANE], back, { params })).records), { 'u-jane': 'done: already back' });
      const unreadable = fake(undefined, (c) => {
        throw xErr(c === 'Get-CASMailbox' ? 'ManagementObjectNotFoundException' : 'ADOperationException', 'nope');
      });
      assert.equal((await run('restore-mobile-protocols', [JANE], unreadable, { params })).records.get('u-jane')?.error?.code, 'ADOperationException');
    });

    it('remove-full-access / remove-send-as: remove the inheritor\'s grant; none is already gone', async () => {
      const full = fake(undefined, (c) => (c === 'Get-MailboxPermission' ? { value: [{ User: 'ian@contoso.com', AccessRights: ['FullAccess'], IsInherited: false, Deny: false }] } : undefined));
      const { records } = await run('remove-full-access', [IAN], full);
      assert.deepEqual(full.cmdlets[1], {
        cmdlet: 'Remove-MailboxPermission',
        parameters: { Identity: 'jane@contoso.com', User: 'ian@contoso.com', AccessRights: ['FullAccess'], InheritanceType: 'All', Confirm: false },
      });
      assert.equal(records.get('u-ian')?.status, 'done');
      await secondRunIsQuiet('remove-full-access', [IAN], records);

      const sendAs = fake(undefined, (c) => (c === 'Get-RecipientPermission' ? { value: [{ Trustee: 'ian@contoso.com', AccessRights: ['SendAs'], IsInherited: false, AccessControlType: 'Allow' }] } : undefined));
      await run('remove-send-as', [IAN], sendAs);
      assert.deepEqual(sendAs.cmdlets[1], { cmdlet: 'Remove-RecipientPermission', parameters: { Identity: 'jane@contoso.com', Trustee: 'ian@contoso.com', AccessRights: ['SendAs'], Confirm: false } });

      const none = fake(undefined, () => ({ value: [] }));
      assert.deepEqual(statusOf((await run('remove-send-as', [IAN], none)).records), { 'u-ian': 'done: already gone' });
      assert.deepEqual(exoWrites(none), []);
      // The read failed; Exchange warns that the entry isn't there.
      const warned = fake(undefined, (c) => {
        if (c.startsWith('Get-')) {
          throw xErr('ADOperationException', 'read refused');
        }
        return { warnings: ["Can't remove the access control entry on the object \"Jane\" for account \"ian\" because the ACE doesn't exist on the object."] };
      });
      assert.deepEqual(statusOf((await run('remove-full-access', [IAN], warned)).records), { 'u-ian': 'done: already gone' });
      const refused = fake(undefined, (c) => {
        if (c === 'Remove-RecipientPermission') {
          throw xErr('ManagementObjectNotFoundException', "The operation couldn't be performed because object 'jane@contoso.com' couldn't be found.");
        }
        return { value: [{ AccessRights: 'SendAs' }] };
      });
      assert.equal((await run('remove-send-as', [IAN], refused)).records.get('u-ian')?.status, 'failed');
    });
  });

  describe('auto-reply-off', () => {
    it('reads, then disables; already off is back; a failed PATCH is recorded', async () => {
      const f = fake((r) => (r.method === 'GET' ? { status: 'alwaysEnabled' } : undefined));
      const { records } = await run('auto-reply-off', [JANE], f);
      assert.deepEqual(writes(f), [{ method: 'PATCH', url: '/users/u-jane/mailboxSettings', body: { automaticRepliesSetting: { status: 'disabled' } } }]);
      await secondRunIsQuiet('auto-reply-off', [JANE], records);
      const off = fake(() => ({ status: 'disabled' }));
      assert.deepEqual(statusOf((await run('auto-reply-off', [JANE], off)).records), { 'u-jane': 'done: already back' });
      const refused = fake(() => {
        throw gErr(403, 'ErrorAccessDenied');
      });
      assert.equal((await run('auto-reply-off', [JANE], refused)).records.get('u-jane')?.error?.code, 'ErrorAccessDenied');
      assert.deepEqual(refused.requests.map((r) => r.method), ['GET', 'PATCH'], 'a failed read does not block the write');
    });
  });

  describe('remove-onedrive-access', () => {
    const permissions = {
      value: [
        { id: 'p-owner', roles: ['owner'], grantedToV2: { user: { id: 'u-jane' } } },
        { id: 'p-ian', roles: ['write'], grantedToV2: { user: { id: 'u-ian', displayName: 'Ian Heir' } } },
        { id: 'p-ian-mail', roles: ['read'], grantedTo: { user: { email: 'IAN.HEIR@contoso.com' } } },
        { id: 'p-inherited', roles: ['write'], inheritedFrom: { id: 'x' }, grantedToV2: { user: { id: 'u-ian' } } },
        { id: 'p-other', roles: ['write'], grantedToV2: { user: { id: 'u-sam' } } },
      ],
    };

    it('deletes the inheritor\'s direct permissions only; reads the drive when unknown; none left is already gone', async () => {
      const f = fake((r) => (r.url.startsWith('/users/') ? { id: 'drive-1' } : r.method === 'GET' ? permissions : undefined));
      const target: Target = { ...IAN, data: { driveId: null } };
      const { records } = await run('remove-onedrive-access', [target], f);
      assert.deepEqual(
        f.requests.map((r) => `${r.method} ${r.url}`),
        ['GET /users/u-jane/drive?$select=id', 'GET /drives/drive-1/root/permissions', 'DELETE /drives/drive-1/root/permissions/p-ian', 'DELETE /drives/drive-1/root/permissions/p-ian-mail'],
      );
      assert.equal(records.get('u-ian')?.detail, 'removed 2 permissions');
      await secondRunIsQuiet('remove-onedrive-access', [target], records);

      const clean = fake(() => ({ value: permissions.value.filter((p) => !p.id.startsWith('p-ian')) }));
      assert.deepEqual(statusOf((await run('remove-onedrive-access', [{ ...IAN, data: { driveId: 'drive-1' } }], clean)).records), { 'u-ian': 'done: already gone' });
      assert.deepEqual(writes(clean), []);

      const refused = fake((r) => {
        if (r.method === 'DELETE') {
          throw gErr(403, 'accessDenied');
        }
        return permissions;
      });
      assert.equal((await run('remove-onedrive-access', [{ ...IAN, data: { driveId: 'drive-1' } }], refused)).records.get('u-ian')?.error?.code, 'accessDenied');
    });
  });
});

describe('auto-reply (the offboarding step) names a reply that was on', () => {
  const runAutoReply = async (f: Fake): Promise<ItemRecord> => {
    const { ctx, records } = stepContext({ step: { kind: 'auto-reply', phase: 'preserve', title: 'auto-reply', dependsOn: [], targets: [JANE], rounds: 1 }, people: PEOPLE, graph: f.graph, exchange: f.exchange });
    ctx.options = {} as StepContext['options'];
    await autoReply(ctx);
    return records.get('u-jane')!;
  };

  it('replaced an automatic reply that was on; set when it was off; set (…) when the read failed', async () => {
    const on = fake((r) => (r.method === 'GET' ? { status: 'scheduled', internalReplyMessage: 'On holiday' } : undefined));
    assert.equal((await runAutoReply(on)).detail, 'replaced an automatic reply that was on (scheduled)');
    assert.deepEqual(on.requests.map((r) => `${r.method} ${r.url}`), ['GET /users/u-jane/mailboxSettings/automaticRepliesSetting', 'PATCH /users/u-jane/mailboxSettings']);
    const off = fake((r) => (r.method === 'GET' ? { status: 'disabled' } : undefined));
    assert.equal((await runAutoReply(off)).detail, 'set');
    const unread = fake((r) => {
      if (r.method === 'GET') {
        throw gErr(403, 'ErrorAccessDenied');
      }
      return undefined;
    });
    const record = await runAutoReply(unread);
    assert.deepEqual([record.status, record.detail], ['done', 'set (the earlier reply could not be read)']);
  });
});
