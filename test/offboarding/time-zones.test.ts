// People's time zones from their mailbox settings (issue 12): Windows and IANA names → an IANA zone, anything else
// unknown; one $batch for several people against the simulated tenant, a failed read unknown (UTC) for that person only.
import assert from 'node:assert/strict';
import { M365Error } from '../../src/m365/errors';
import type { GraphPort, GraphRequest } from '../../src/m365/ports';
import { Directory } from '../../src/offboarding/directory';
import { ianaZone, TimeZoneReader } from '../../src/offboarding/time-zones';
import { useTenant } from '../m365/helpers';

describe('time zones: mailbox settings → IANA', () => {
  it('maps Windows names (the default format) through CLDR, keeps IANA names, says UTC plainly', () => {
    assert.equal(ianaZone('W. Europe Standard Time'), 'Europe/Berlin');
    assert.equal(ianaZone('Pacific Standard Time'), 'America/Los_Angeles');
    assert.equal(ianaZone('GMT Standard Time'), 'Europe/London');
    assert.equal(ianaZone('Romance Standard Time'), 'Europe/Paris');
    assert.equal(ianaZone('America/New_York'), 'America/New_York');
    assert.equal(ianaZone(' Europe/Paris '), 'Europe/Paris');
    assert.equal(ianaZone('UTC'), 'UTC');
    assert.equal(ianaZone('Etc/UTC'), 'UTC');
  });

  it('anything else is unknown (shown as UTC by the caller)', () => {
    for (const v of ['', '   ', 'Customized Time Zone', 'Mars/Olympus_Mons', 'tzone://Microsoft/Custom', null, undefined, 42, { name: 'UTC' }]) {
      assert.equal(ianaZone(v), undefined, JSON.stringify(v));
    }
  });
});

describe('time zones: reading them from Microsoft 365', () => {
  const sim = useTenant();

  it('reads several people in one $batch: Windows, IANA, never set, no mailbox', async () => {
    const P = sim.P;
    const leo = 'leo.fischer@contoso.com'; // no Exchange Online mailbox: 404 MailboxNotEnabledForRESTAPI
    const zones = await new Directory(sim.graph()).timeZones([P.operator!, P.janeManager!, P.approver1!, P.approver2!, leo, P.operator!]);
    assert.deepEqual(zones, { [P.operator!]: 'Europe/London', [P.janeManager!]: 'Europe/Berlin', [P.approver1!]: 'America/New_York' });
    const log = sim.tenant.requestLog();
    const reads = log.filter((e) => e.path.endsWith('/mailboxSettings/timeZone'));
    assert.equal(reads.length, 5, 'each person once');
    assert.ok(reads.every((e) => e.method === 'GET' && e.batch), 'inside a $batch');
    assert.equal(new Set(reads.map((e) => e.batch!.batchRequestId)).size, 1, 'one $batch');
    assert.deepEqual(
      reads.filter((e) => e.status >= 400).map((e) => e.status),
      [404],
    );
  });

  it('reuses answers within maxAgeMs (unknown ones too), reads again after', async () => {
    let t = 1_000_000;
    const reader = new TimeZoneReader(sim.graph(), () => t);
    const P = sim.P;
    assert.deepEqual(await reader.read([P.janeManager!, P.approver2!], 60_000), { [P.janeManager!]: 'Europe/Berlin' });
    t += 30_000;
    assert.deepEqual(await reader.read([P.janeManager!, P.approver2!], 60_000), { [P.janeManager!]: 'Europe/Berlin' });
    const count = () => sim.tenant.requestLog().filter((e) => e.path.endsWith('/mailboxSettings/timeZone')).length;
    assert.equal(count(), 2);
    t += 31_000;
    await reader.read([P.janeManager!], 60_000);
    assert.equal(count(), 3);
    await reader.read([P.janeManager!]); // maxAgeMs 0: always read (scheduling)
    assert.equal(count(), 4);
  });

  it('a failed read leaves only that person unknown', async () => {
    const asked: GraphRequest[][] = [];
    const graph: GraphPort = {
      call: () => Promise.reject(new Error('not used')),
      list: () => Promise.reject(new Error('not used')),
      batch: <T>(requests: GraphRequest[]) => {
        asked.push(requests);
        return Promise.resolve(
          requests.map((r) =>
            r.url.includes('/a/')
              ? { status: 200, body: { value: 'Tokyo Standard Time' } as T }
              : new M365Error({ service: 'graph', status: 403, code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' }),
          ),
        );
      },
    };
    assert.deepEqual(await new TimeZoneReader(graph).read(['a', 'b']), { a: 'Asia/Tokyo' });
    assert.deepEqual(asked[0]!.map((r) => [r.method, r.url]), [
      ['GET', '/users/a/mailboxSettings/timeZone'],
      ['GET', '/users/b/mailboxSettings/timeZone'],
    ]);
  });
});
