// One-shot actions: the list of one-shot steps, the settling table for Intune and Exchange (the service's own record
// decides, never an assumption), and the send/settle flow after a crash, a lost answer, a refusal or an unreadable
// record — with a fake service and ledger, so every case is explicit.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { M365Error } from '../../src/m365/errors';
import type { Target } from '../../src/offboarding/plan';
import type { ItemRecord } from '../../src/offboarding/run';
import { DEFAULT_OPTIONS } from '../../src/offboarding/options';
import { planOffboarding } from '../../src/offboarding/planner';
import { ONE_SHOT_STEPS } from '../../src/offboarding/steps';
import { leaver, snapshot } from './fixtures';
import type { StepContext } from '../../src/offboarding/steps/context';
import { intuneState, type DeviceActionRecord } from '../../src/offboarding/steps/intune-devices';
import { CLOCK_SKEW_MS, isInDoubt, isSince, oneShot, parseServiceTime, RECORD_LAG_MS, type Known, type OneShotAction, type Settled } from '../../src/offboarding/steps/one-shot';
import { activeSyncState } from '../../src/offboarding/steps/remove-mobile-mail';

const SENT_AT = '2026-12-03T10:00:00.000Z';
const after = (ms: number): string => new Date(Date.parse(SENT_AT) + ms).toISOString();
const phone: Target = { id: 'jane\\ExchangeActiveSyncDevices\\iPhone§ABC', label: "Jane's iPhone" };
const outlook: Target = { id: 'jane\\ExchangeActiveSyncDevices\\Outlook§XYZ', label: 'Outlook for iOS and Android', data: { outlookApp: true } };

describe('one-shot actions', () => {
  it('are exactly the Intune devices and the ActiveSync phones, and docs/ENGINE.md names the same list', () => {
    assert.deepEqual([...ONE_SHOT_STEPS].sort(), ['intune-devices', 'remove-mobile-mail']);
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/ENGINE.md'), 'utf8');
    const line = /One-shot steps: (.+)\./.exec(doc)?.[1] ?? '';
    assert.deepEqual([...line.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]).sort(), [...ONE_SHOT_STEPS].sort(), 'docs/ENGINE.md "One-shot steps:" line');
  });

  describe('settling from Intune (GET /deviceManagement/managedDevices/{id}: managementState, deviceActionResults)', () => {
    const result = (actionState: string, startDateTime = after(1000)): DeviceActionRecord => ({ managementState: 'managed', deviceActionResults: [{ actionName: 'wipe', actionState, startDateTime, lastUpdatedDateTime: startDateTime }] });
    const cases: Array<[string, DeviceActionRecord, Settled['state'], RegExp?, ('wipe' | 'retire')?]> = [
      ['action pending', result('pending'), 'requested', /confirmed by Intune: pending/],
      ['action active', result('active'), 'requested', /confirmed by Intune: active/],
      ['management state wipePending, no action result yet', { managementState: 'wipePending', deviceActionResults: [] }, 'requested', /wipePending/],
      ['management state wipeIssued', { managementState: 'wipeIssued' }, 'requested'],
      ['management state retirePending, for a retire', { managementState: 'retirePending' }, 'requested', /retire requested/, 'retire'],
      ['management state retireIssued, for a retire', { managementState: 'retireIssued', deviceActionResults: null }, 'requested', undefined, 'retire'],
      ['action done', result('done'), 'done', /done \(confirmed by Intune\)/],
      ['action canceled', result('canceled'), 'failed', /canceled; not sent again/],
      ['action failed', result('failed'), 'failed', /failed; not sent again/],
      ['action notSupported', result('notSupported'), 'failed'],
      ['management state wipeCanceled', { managementState: 'wipeCanceled' }, 'failed'],
      ['nothing recorded', { managementState: 'managed', deviceActionResults: [] }, 'absent'],
      ['only an older wipe by someone else (before our send, beyond clock skew)', result('done', new Date(Date.parse(SENT_AT) - CLOCK_SKEW_MS - 60_000).toISOString()), 'absent'],
      ['a retire recorded, but we sent a wipe', { managementState: 'managed', deviceActionResults: [{ actionName: 'retire', actionState: 'done', startDateTime: after(1) }] }, 'absent'],
      ['action name in another casing', { deviceActionResults: [{ actionName: 'Wipe', actionState: 'pending', startDateTime: after(1) }] }, 'requested'],
    ];
    for (const [name, record, state, detail, action = 'wipe'] of cases) {
      it(`${name} → ${state}`, () => {
        const settled = intuneState(record, action, SENT_AT, 'Jane-Laptop');
        assert.equal(settled.state, state);
        if (detail && settled.state !== 'absent') {
          assert.match(settled.detail, detail);
        }
        if (settled.state === 'failed') {
          assert.match(settled.followUp, /^Jane-Laptop: Intune reports the wipe as \w+: check the device in Intune/);
        }
      });
    }
    it('a management state names its action: retirePending does not confirm a wipe', () => {
      assert.equal(intuneState({ managementState: 'retirePending' }, 'wipe', SENT_AT, 'x').state, 'absent');
      assert.equal(intuneState({ managementState: 'retireFailed' }, 'wipe', SENT_AT, 'x').state, 'absent');
      assert.equal(intuneState({ managementState: 'retireFailed' }, 'retire', SENT_AT, 'x').state, 'failed');
    });
    it('takes the latest of several results for the action', () => {
      const record: DeviceActionRecord = { deviceActionResults: [{ actionName: 'wipe', actionState: 'canceled', startDateTime: after(1000) }, { actionName: 'wipe', actionState: 'pending', startDateTime: after(5000) }] };
      assert.equal(intuneState(record, 'wipe', SENT_AT, 'x').state, 'requested');
    });
  });

  describe('settling from Exchange (Get-MobileDeviceStatistics)', () => {
    it('account-only fields: requested since our send → requested, may not be delivered', () => {
      const s = activeSyncState({ AccountOnlyDeviceWipeRequestTime: after(500), LastAccountOnlyDeviceWipeRequestor: 'app' }, phone, SENT_AT);
      assert.equal(s.state, 'requested');
      assert.match(s.state === 'requested' ? s.detail : '', /account removal requested \(confirmed by Exchange: waiting for the phone to sync\); may not be delivered/);
    });
    it('sent to the phone but not acknowledged → still requested', () => {
      const s = activeSyncState({ AccountOnlyDeviceWipeRequestTime: after(500), AccountOnlyDeviceWipeSentTime: after(900) }, phone, SENT_AT);
      assert.match(s.state === 'requested' ? s.detail : s.state, /sent to the phone, not acknowledged yet/);
    });
    it('acknowledged → done, confirmed by Exchange', () => {
      const s = activeSyncState({ AccountOnlyDeviceWipeRequestTime: after(500), AccountOnlyDeviceWipeSentTime: after(900), AccountOnlyDeviceWipeAckTime: after(1500) }, phone, SENT_AT);
      assert.equal(s.state, 'done');
    });
    it('no request recorded, or only an older one → absent (send it)', () => {
      assert.equal(activeSyncState({}, phone, SENT_AT).state, 'absent');
      assert.equal(activeSyncState({ AccountOnlyDeviceWipeRequestTime: new Date(Date.parse(SENT_AT) - CLOCK_SKEW_MS - 1000).toISOString() }, phone, SENT_AT).state, 'absent');
    });
    it('full-wipe fields (DeviceWipe*) do not settle an account-only wipe', () => {
      assert.equal(activeSyncState({ DeviceWipeRequestTime: after(500), DeviceWipeAckTime: after(900) }, phone, SENT_AT).state, 'absent');
    });
    it('an Outlook for iOS/Android partnership is settled from the DeviceWipe* fields (it takes a full Clear-MobileDevice)', () => {
      assert.equal(activeSyncState({ AccountOnlyDeviceWipeRequestTime: after(500) }, outlook, SENT_AT).state, 'absent');
      const s = activeSyncState({ DeviceWipeRequestTime: after(500), DeviceWipeAckTime: after(900) }, outlook, SENT_AT);
      assert.equal(s.state, 'done');
      assert.match(s.state === 'done' ? s.detail : '', /Outlook's data wipe done/);
    });
  });

  it('the plan tells the approver that an Outlook for iOS/Android partnership gets a full wipe of Outlook’s data', () => {
    const mailbox = leaver().mailbox!;
    const phones = [...(mailbox.mobileDevices ?? []), { identity: 'jane\\ExchangeActiveSyncDevices\\REST§Outlook§1', friendlyName: 'Outlook for Android', outlookApp: true }];
    const step = planOffboarding(snapshot({ mailbox: { ...mailbox, mobileDevices: phones } }), DEFAULT_OPTIONS).steps.find((x) => x.kind === 'remove-mobile-mail')!;
    assert.match(step.title, /account only, not a device wipe; Outlook for iOS\/Android: Outlook's data only/);
    assert.deepEqual(step.targets.map((t) => t.data?.outlookApp ?? false), [false, true]);
  });

  describe("reading the services' times", () => {
    it('ISO with a zone, without one (UTC, as Exchange stores them), and /Date(ms)/', () => {
      const ms = Date.parse('2026-12-03T10:00:05.000Z');
      assert.equal(parseServiceTime('2026-12-03T10:00:05.000Z'), ms);
      assert.equal(parseServiceTime('2026-12-03T11:00:05+01:00'), ms);
      assert.equal(parseServiceTime('2026-12-03T10:00:05'), ms);
      assert.equal(parseServiceTime(`/Date(${ms})/`), ms);
      assert.ok(Number.isNaN(parseServiceTime(null)));
      assert.ok(isSince('2026-12-03T10:00:05', SENT_AT));
    });
  });

  describe('which failures leave the fate in doubt', () => {
    const e = (status: number, code = 'x') => new M365Error({ service: 'graph', status, code, message: 'm' });
    it('no answer, a timeout or a 5xx: in doubt; a 4xx (429 included) or a failure before sending: refused', () => {
      assert.deepEqual([e(0, 'NetworkError'), e(408), e(500), e(502), e(503), e(504)].map(isInDoubt), [true, true, true, true, true, true]);
      assert.deepEqual([e(0, 'AuthenticationError'), e(400), e(403), e(404), e(429)].map(isInDoubt), [false, false, false, false, false]);
    });
  });

  describe('the flow', () => {
    /** A ledger over a map, and a service whose record the test controls. */
    function harness(previous?: Partial<ItemRecord>) {
      const records: Array<Omit<ItemRecord, 'label' | 'at'>> = [];
      let current: ItemRecord | undefined = previous ? { label: 'Jane-Laptop', at: SENT_AT, status: 'sent', ...previous } : undefined;
      const waits: number[] = [];
      const ctx = {
        now: () => Date.parse(after(60_000)),
        sleep: (ms: number) => {
          waits.push(ms);
          return Promise.resolve();
        },
        ledger: {
          previous: () => current,
          record: (_t: Target, r: Omit<ItemRecord, 'label' | 'at'>) => {
            records.push(r);
            current = { ...r, label: 'Jane-Laptop', at: SENT_AT };
            return Promise.resolve();
          },
        },
      } as unknown as StepContext;
      const service = {
        sends: 0,
        settles: 0,
        record: 'absent' as Settled['state'] | 'unreadable',
        sendFails: [] as M365Error[],
      };
      const action: OneShotAction = {
        service: 'Intune',
        send() {
          service.sends++;
          const failure = service.sendFails.shift();
          if (failure) {
            return Promise.reject(failure);
          }
          return Promise.resolve<Known>({ state: 'requested', detail: 'wipe requested' });
        },
        settle() {
          service.settles++;
          if (service.record === 'unreadable') {
            return Promise.reject(new M365Error({ service: 'graph', status: 403, code: 'Forbidden', message: 'no', requestId: 'rid-403' }));
          }
          return Promise.resolve(
            service.record === 'absent' ? { state: 'absent' } : service.record === 'failed' ? { state: 'failed', detail: 'Intune reports the wipe as canceled', followUp: 'check' } : { state: service.record, detail: `wipe ${service.record} (confirmed by Intune)` },
          );
        },
      };
      return { ctx, service, action, records, waits, last: () => current, run: () => oneShot(ctx, [{ id: 'd1', label: 'Jane-Laptop', data: { action: 'wipe' } }], action) };
    }
    const noAnswer = () => new M365Error({ service: 'graph', status: 0, code: 'NetworkError', message: 'socket hang up' });

    it('first time: recorded as sent (with the time) before it leaves, then requested', async () => {
      const h = harness();
      await h.run();
      assert.deepEqual(h.records.map((r) => r.status), ['sent', 'requested']);
      assert.ok(h.records[0]!.sentAt);
      assert.equal(h.service.sends, 1);
      assert.equal(h.service.settles, 0);
    });
    for (const [record, expected] of [['requested', 'requested'], ['done', 'done'], ['failed', 'failed']] as const) {
      it(`found sent after a crash, and the service records it ${record}: not sent again, ends ${expected}`, async () => {
        const h = harness({ sentAt: SENT_AT });
        h.service.record = record;
        await h.run();
        assert.equal(h.service.sends, 0);
        assert.equal(h.last()?.status, expected);
        assert.equal(h.last()?.sentAt, SENT_AT);
      });
    }
    it('found sent after a crash, and the service records nothing: sent now, once', async () => {
      const h = harness({ sentAt: SENT_AT });
      await h.run();
      assert.deepEqual(h.waits, [], 'sent a minute ago: its record would show by now');
      assert.equal(h.service.settles, 1);
      assert.equal(h.service.sends, 1);
      assert.equal(h.last()?.status, 'requested');
    });
    it("found sent after a crash, and the service can't be read: failed as in doubt with a follow-up, never done, not sent", async () => {
      const h = harness({ sentAt: SENT_AT });
      h.service.record = 'unreadable';
      await h.run();
      assert.equal(h.service.sends, 0);
      assert.equal(h.last()?.status, 'failed');
      assert.match(h.last()?.detail ?? '', /^in doubt: check Intune \(403 Forbidden/);
      assert.match(h.last()?.followUp ?? '', /check Intune before doing anything else/);
      assert.equal(h.last()?.error?.requestId, 'rid-403');
      // A retry reads again (sentAt kept) and only then could send.
      h.service.record = 'requested';
      await h.run();
      assert.equal(h.service.sends, 0);
      assert.equal(h.last()?.status, 'requested');
    });
    it('no answer came, and the service records it: requested, not sent again', async () => {
      const h = harness();
      h.service.sendFails.push(noAnswer());
      h.service.record = 'requested';
      await h.run();
      assert.equal(h.service.sends, 1);
      assert.equal(h.last()?.status, 'requested');
    });
    it('no answer came, and the service records nothing even once its record had time to appear: sent once more', async () => {
      const h = harness();
      h.service.sendFails.push(noAnswer());
      await h.run();
      assert.deepEqual(h.waits, [RECORD_LAG_MS], 'read again once the action is old enough for its record to show');
      assert.equal(h.service.settles, 2);
      assert.equal(h.service.sends, 2);
      assert.equal(h.last()?.status, 'requested');
    });
    it('no answer came; the record appears late: found on the second read, not sent again', async () => {
      const h = harness();
      h.service.sendFails.push(noAnswer());
      h.ctx.sleep = () => {
        h.service.record = 'requested';
        return Promise.resolve();
      };
      await h.run();
      assert.equal(h.service.sends, 1);
      assert.equal(h.last()?.status, 'requested');
    });
    it('an unexpected error while sending (not an answer from the service) is in doubt, not a refusal', async () => {
      const h = harness();
      h.service.sendFails.push(new TypeError('body stream already read') as unknown as M365Error);
      h.service.record = 'requested';
      await h.run();
      assert.equal(h.service.sends, 1);
      assert.equal(h.service.settles, 1);
      assert.equal(h.last()?.status, 'requested');
    });
    it('a record written before sentAt was kept ("sent", or failed with no answer) is settled from its time, not resent blindly', async () => {
      for (const previous of [{ status: 'sent' as const }, { status: 'failed' as const, error: { service: 'graph' as const, status: 0, code: 'NetworkError', message: 'x' } }]) {
        const h = harness(previous);
        h.service.record = 'requested';
        await h.run();
        assert.equal(h.service.sends, 0, previous.status);
        assert.equal(h.last()?.status, 'requested');
      }
    });
    it('no answer twice and nothing recorded: failed as in doubt (sentAt kept, so a retry reads first)', async () => {
      const h = harness();
      h.service.sendFails.push(noAnswer(), noAnswer());
      await h.run();
      assert.equal(h.service.sends, 2);
      assert.equal(h.service.settles, 4);
      assert.equal(h.last()?.status, 'failed');
      assert.match(h.last()?.detail ?? '', /^in doubt: no answer .* and Intune records nothing yet/);
      assert.ok(h.last()?.sentAt);
    });
    it('a definite refusal (403): failed without sentAt, so a retry after fixing permissions sends it', async () => {
      const h = harness();
      h.service.sendFails.push(new M365Error({ service: 'graph', status: 403, code: 'Forbidden', message: 'no', requestId: 'r' }));
      await h.run();
      assert.equal(h.last()?.status, 'failed');
      assert.equal(h.last()?.sentAt, undefined);
      await h.run();
      assert.equal(h.service.settles, 0);
      assert.equal(h.service.sends, 2);
      assert.equal(h.last()?.status, 'requested');
    });
    it('requested or done targets are left alone on a later attempt', async () => {
      for (const status of ['requested', 'done'] as const) {
        const h = harness({ status, sentAt: SENT_AT });
        await h.run();
        assert.equal(h.service.sends + h.service.settles, 0);
      }
    });
  });
});
