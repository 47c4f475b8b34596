// ExchangeGateway against the simulated tenant (cmdlets, Exchange's errors, throttling) and against a capturing
// loopback server (the exact request: URL, body, X-AnchorMailbox, token; paging, odd bodies, concurrency).
import assert from 'node:assert/strict';
import { ExchangeGateway, systemMailboxAnchor } from '../../src/m365/exchange';
import { captureServer, deadUrl, failure, json, recorder, seededRandom, useTenant, JANE_UPN, type CaptureServer } from './helpers';

interface Mailbox {
  UserPrincipalName: string;
  RecipientTypeDetails: string;
}

describe('m365 ExchangeGateway: simulated tenant', () => {
  const sim = useTenant({ random: seededRandom(3) });

  it('runs Get-Mailbox and returns value, warnings and the request id', async () => {
    const rec = recorder();
    const res = await sim.exchange({ onCall: rec.onCall }).invoke<Mailbox>('Get-Mailbox', { Identity: JANE_UPN }, JANE_UPN);
    assert.equal(res.value.length, 1);
    assert.deepEqual([res.value[0]!.UserPrincipalName, res.value[0]!.RecipientTypeDetails], [JANE_UPN, 'UserMailbox']);
    assert.deepEqual(res.warnings, []);
    const log = sim.tenant.requestLog();
    assert.deepEqual([log[0]!.cmdlet, log[0]!.path, log[0]!.status], ['Get-Mailbox', `/adminapi/beta/${sim.tenant.tenantId}/InvokeCommand`, 200]);
    assert.deepEqual(log[0]!.body, { CmdletInput: { CmdletName: 'Get-Mailbox', Parameters: { Identity: JANE_UPN } } });
    assert.equal(res.requestId, log[0]!.requestId);
    assert.deepEqual(rec.calls.map((c) => [c.service, c.method, c.url, c.status, c.requestId, c.attempt]), [['exchange', 'POST', 'InvokeCommand Get-Mailbox', 200, log[0]!.requestId, 1]]);
  });

  it('Set-Mailbox -Type Shared shows as SharedMailbox in Get-Mailbox only after the conversion delay', async () => {
    sim.tenant.setFaults({ mailboxConversionDelayMs: 300 });
    const exchange = sim.exchange();
    const set = await exchange.invoke('Set-Mailbox', { Identity: JANE_UPN, Type: 'Shared' }, JANE_UPN);
    assert.deepEqual(set.value, []);
    const before = await exchange.invoke<Mailbox>('Get-Mailbox', { Identity: JANE_UPN }, JANE_UPN);
    assert.equal(before.value[0]!.RecipientTypeDetails, 'UserMailbox');
    await new Promise((resolve) => setTimeout(resolve, 350));
    const after = await exchange.invoke<Mailbox>('Get-Mailbox', { Identity: JANE_UPN }, JANE_UPN);
    assert.equal(after.value[0]!.RecipientTypeDetails, 'SharedMailbox');
  });

  it("returns Exchange's warnings", async () => {
    const exchange = sim.exchange();
    await exchange.invoke('Set-Mailbox', { Identity: JANE_UPN, HiddenFromAddressListsEnabled: true }, JANE_UPN);
    const again = await exchange.invoke('Set-Mailbox', { Identity: JANE_UPN, HiddenFromAddressListsEnabled: true }, JANE_UPN);
    assert.equal(again.warnings.length, 1);
    assert.match(again.warnings[0]!, /no settings of .* have been modified/);
  });

  it("turns unknown cmdlets, unknown parameters and missing objects into M365Error with Exchange's exception type", async () => {
    const exchange = sim.exchange();
    const cmdlet = await failure(exchange.invoke('Get-Nothing', {}));
    assert.deepEqual([cmdlet.service, cmdlet.status, cmdlet.code], ['exchange', 400, 'CommandNotFoundException']);
    assert.match(cmdlet.message, /^The term 'Get-Nothing' is not recognized as the name of a cmdlet/);
    assert.equal(cmdlet.info.cmdlet, 'Get-Nothing');

    const parameter = await failure(exchange.invoke('Get-Mailbox', { Identity: JANE_UPN, Bogus: 1 }, JANE_UPN));
    assert.deepEqual([parameter.status, parameter.code], [400, 'AmbiguousParameterSetException']);
    assert.equal(parameter.message, 'Parameter set cannot be resolved using the specified named parameters. Invalid cmdlet parameters specified. Bogus');

    const missing = await failure(exchange.invoke('Get-Mailbox', { Identity: 'nobody@contoso.com' }, 'nobody@contoso.com'));
    assert.deepEqual([missing.status, missing.code, missing.transient], [404, 'ManagementObjectNotFoundException', false]);
    assert.match(missing.message, /^The operation couldn't be performed because object 'nobody@contoso.com' couldn't be found/);
    assert.equal(missing.requestId, sim.tenant.requestLog().at(-1)!.requestId);
  });

  it('retries a throttled cmdlet after its Retry-After', async () => {
    const budget = { writes: 1, windowMs: 20_000 };
    sim.tenant.setFaults({ writeBudget: budget });
    const rec = recorder(() => sim.tenant.setFaults({ writeBudget: budget }));
    const exchange = sim.exchange({ onCall: rec.onCall, sleep: rec.sleep });
    await exchange.invoke('Set-Mailbox', { Identity: JANE_UPN, LitigationHoldEnabled: true }, JANE_UPN);
    await exchange.invoke('Set-Mailbox', { Identity: JANE_UPN, Type: 'Shared' }, JANE_UPN);
    assert.deepEqual(sim.tenant.requestLog().map((e) => [e.cmdlet, e.status]), [['Set-Mailbox', 200], ['Set-Mailbox', 429], ['Set-Mailbox', 200]]);
    assert.deepEqual(rec.sleeps, [20_000]);
    assert.deepEqual(rec.calls.map((c) => [c.status, c.attempt]), [[200, 1], [429, 1], [200, 2]]);
  });

  it('rides out random 429/503 and gives up after maxRetries with a transient error', async () => {
    sim.tenant.setFaults({ rate429: 0.3, rate503: 0.2 });
    const rec = recorder();
    const exchange = sim.exchange({ maxRetries: 10, maxConcurrency: 1, sleep: rec.sleep });
    const all = await Promise.all(Array.from({ length: 20 }, () => exchange.invoke<Mailbox>('Get-Mailbox', { Identity: JANE_UPN }, JANE_UPN)));
    assert.ok(all.every((r) => r.value[0]!.UserPrincipalName === JANE_UPN));
    const faults = sim.tenant.requestLog().filter((e) => e.fault).length;
    assert.ok(faults > 0);
    assert.equal(rec.sleeps.length, faults);
    assert.ok(rec.sleeps.every((ms) => ms === 1000));

    sim.tenant.setFaults({ rate429: 1, rate503: 0 });
    const err = await failure(sim.exchange({ maxRetries: 2, sleep: rec.sleep }).invoke('Get-Mailbox', { Identity: JANE_UPN }, JANE_UPN));
    assert.deepEqual([err.status, err.code, err.transient, err.retryAfterMs], [429, 'TooManyRequests', true, 1000]);
  });
});

describe('m365 ExchangeGateway: the request on the wire', () => {
  let server: CaptureServer;
  let answer: (body: string) => { status: number; body?: unknown; raw?: string; headers?: Record<string, string> };
  const tenantId = 'c0ff1ce5-7e4a-4d2b-9a11-5e7d0c0ffee5';

  before(async () => {
    server = await captureServer((req, res) => {
      const a = answer(req.body);
      if (a.raw !== undefined) {
        res.writeHead(a.status, a.headers ?? {});
        res.end(a.raw);
      } else {
        json(res, a.status, a.body, { 'request-id': `rid-${server.requests.length}`, ...a.headers });
      }
    }, 20);
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    answer = () => ({ status: 200, body: { value: [] } });
  });

  it('POSTs the cmdlet to /adminapi/beta/{tenant}/InvokeCommand with the mailbox anchor and the Exchange token', async () => {
    const scopes: string[] = [];
    const credential = {
      getToken: (s: string | string[]) => {
        scopes.push(...[s].flat());
        return Promise.resolve({ token: 'eyJ-exo', expiresOnTimestamp: Date.now() + 3600_000 });
      },
    };
    await new ExchangeGateway({ baseUrl: server.url, tenantId, credential }).invoke('Set-Mailbox', { Identity: JANE_UPN, Type: 'Shared' }, JANE_UPN);
    const req = server.requests[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, `/adminapi/beta/${tenantId}/InvokeCommand`);
    assert.deepEqual(JSON.parse(req.body), { CmdletInput: { CmdletName: 'Set-Mailbox', Parameters: { Identity: JANE_UPN, Type: 'Shared' } } });
    assert.equal(req.headers['x-anchormailbox'], `UPN:${JANE_UPN}`);
    assert.equal(req.headers.authorization, 'Bearer eyJ-exo');
    assert.match(String(req.headers['content-type']), /^application\/json/);
    assert.deepEqual(scopes, ['https://outlook.office365.com/.default']);
  });

  it('anchors tenant-wide cmdlets on the system mailbox at the tenant domain, or the tenant id; no token without a credential', async () => {
    await new ExchangeGateway({ baseUrl: server.url, tenantId, tenantDomain: 'contoso.onmicrosoft.com' }).invoke('Get-DistributionGroup', {});
    await new ExchangeGateway({ baseUrl: server.url, tenantId }).invoke('Get-DistributionGroup', {});
    assert.deepEqual(
      server.requests.map((r) => r.headers['x-anchormailbox']),
      ['APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@contoso.onmicrosoft.com', systemMailboxAnchor(tenantId)],
    );
    assert.ok(server.requests.every((r) => r.headers.authorization === undefined));
  });

  it('reads a single object as [object], an empty body as [], and follows @odata.nextLink with the same POST', async () => {
    const exchange = new ExchangeGateway({ baseUrl: server.url, tenantId });
    answer = () => ({ status: 200, body: { value: { Name: 'one' }, '@adminapi.warnings': ['w1'] } });
    assert.deepEqual(await exchange.invoke('Get-Recipient', {}), { value: [{ Name: 'one' }], warnings: ['w1'], requestId: 'rid-1' });
    answer = () => ({ status: 200, raw: '' });
    assert.deepEqual((await exchange.invoke('Set-CASMailbox', { Identity: JANE_UPN, PopEnabled: false }, JANE_UPN)).value, []);

    server.requests.length = 0;
    answer = () =>
      server.requests.length === 1
        ? { status: 200, body: { value: [{ n: 1 }, { n: 2 }], '@odata.nextLink': `${server.url}/adminapi/beta/${tenantId}/InvokeCommand?$skiptoken=2` } }
        : { status: 200, body: { value: [{ n: 3 }], '@adminapi.warnings': ['last page'] } };
    const paged = await exchange.invoke<{ n: number }>('Get-Mailbox', { ResultSize: 'Unlimited' });
    assert.deepEqual(paged.value.map((v) => v.n), [1, 2, 3]);
    assert.deepEqual(paged.warnings, ['last page']);
    assert.deepEqual(server.requests.map((r) => r.url), [`/adminapi/beta/${tenantId}/InvokeCommand`, `/adminapi/beta/${tenantId}/InvokeCommand?$skiptoken=2`]);
    assert.equal(server.requests[1]!.body, server.requests[0]!.body);
  });

  it('refuses a nextLink to another origin (the token would follow it)', async () => {
    answer = () => ({ status: 200, body: { value: [], '@odata.nextLink': 'https://elsewhere.example/adminapi/beta/x/InvokeCommand' } });
    await assert.rejects(new ExchangeGateway({ baseUrl: server.url, tenantId }).invoke('Get-Mailbox', {}), /outside/);
  });

  it('reports a 403 whose body is NUL bytes (what a missing role returns) without the NULs', async () => {
    answer = () => ({ status: 403, raw: '\0'.repeat(64), headers: { 'request-id': 'rid-403' } });
    const err = await failure(new ExchangeGateway({ baseUrl: server.url, tenantId }).invoke('Get-Mailbox', {}));
    assert.deepEqual([err.status, err.code, err.message, err.requestId, err.transient], [403, 'HTTP403', 'Exchange answered 403', 'rid-403', false]);
  });

  it('keeps at most maxConcurrency cmdlets in flight', async () => {
    const exchange = new ExchangeGateway({ baseUrl: server.url, tenantId, maxConcurrency: 2 });
    await Promise.all(Array.from({ length: 10 }, () => exchange.invoke('Get-Mailbox', {})));
    assert.equal(server.requests.length, 10);
    assert.equal(server.maxInFlight, 2);
  });

  it('retries network failures, then fails with NetworkError', async () => {
    const rec = recorder();
    const err = await failure(new ExchangeGateway({ baseUrl: await deadUrl(), tenantId, maxRetries: 1, onCall: rec.onCall, sleep: rec.sleep }).invoke('Get-Mailbox', {}));
    assert.deepEqual([err.status, err.code, err.transient, err.info.cmdlet], [0, 'NetworkError', true, 'Get-Mailbox']);
    assert.deepEqual(rec.calls.map((c) => [c.status, c.attempt]), [[0, 1], [0, 2]]);
    assert.deepEqual(rec.sleeps, [1000]);
  });
});
