// ActiveSync phones: remove the mail account only (Clear-MobileDevice -AccountOnly), never a full device wipe.
// One-shot (one-shot.ts), settled from Get-MobileDeviceStatistics. Exchange sends the wipe "the next time the device
// receives data from Exchange": it runs before ActiveSync is turned off, and a phone of a blocked account may never
// sync again, so a target stays 'requested; may not be delivered' until the phone acknowledges it.
// Outlook for iOS/Android partnerships ignore account-only wipes: they get a full Clear-MobileDevice, which wipes only
// Outlook's data (DOMAIN.md; unverified against a tenant).
import { M365Error } from '../../m365/errors';
import type { ExchangePort } from '../../m365/ports';
import type { Target } from '../plan';
import { toMobileDevice, type RawMobileDevice } from '../preflight/mailbox';
import { targetsOf, type StepRunner } from './context';
import { isSince, oneShot, parseServiceTime, type OneShotAction, type Settled } from './one-shot';

/** The Get-MobileDeviceStatistics fields that record a wipe (AccountOnly* for account-only, DeviceWipe* for full). */
export type WipeStatistics = Partial<
  Record<
    | 'AccountOnlyDeviceWipeRequestTime'
    | 'AccountOnlyDeviceWipeSentTime'
    | 'AccountOnlyDeviceWipeAckTime'
    | 'LastAccountOnlyDeviceWipeRequestor'
    | 'DeviceWipeRequestTime'
    | 'DeviceWipeSentTime'
    | 'DeviceWipeAckTime'
    | 'LastDeviceWipeRequestor',
    string | null
  >
>;

const isOutlookApp = (phone: Target): boolean => phone.data?.outlookApp === true;
const what = (phone: Target): string => (isOutlookApp(phone) ? "Outlook's data wipe" : 'account removal');

/** What Exchange's record says of the wipe sent at `sentAt` (pure: the settling table of docs/ENGINE.md). */
export function activeSyncState(stats: WipeStatistics, phone: Target, sentAt: string): Settled {
  const prefix = isOutlookApp(phone) ? 'DeviceWipe' : 'AccountOnlyDeviceWipe';
  const requested = stats[`${prefix}RequestTime`];
  const acknowledged = stats[`${prefix}AckTime`];
  if (!isSince(requested, sentAt)) {
    return { state: 'absent' };
  }
  if (parseServiceTime(acknowledged) >= parseServiceTime(requested)) {
    return { state: 'done', detail: `${what(phone)} done (confirmed by Exchange: the phone acknowledged it)` };
  }
  const sent = stats[`${prefix}SentTime`] ? 'sent to the phone, not acknowledged yet' : 'waiting for the phone to sync';
  return { state: 'requested', detail: `${what(phone)} requested (confirmed by Exchange: ${sent}); may not be delivered: a blocked account's phone may never sync again` };
}

export function activeSyncAction(exchange: ExchangePort, upn: string): OneShotAction {
  return {
    service: 'Exchange',
    async send(phone) {
      await exchange.invoke('Clear-MobileDevice', { Identity: phone.id, ...(isOutlookApp(phone) ? {} : { AccountOnly: true }), Confirm: false }, upn, { once: true });
      return { state: 'requested', detail: `${what(phone)} requested; may not be delivered: Exchange sends it when the phone next syncs, and a blocked account's phone may never sync again` };
    },
    async settle(phone, sentAt) {
      try {
        const { value } = await exchange.invoke<WipeStatistics>('Get-MobileDeviceStatistics', { Identity: phone.id }, upn);
        return activeSyncState(value[0] ?? {}, phone, sentAt);
      } catch (err) {
        if (err instanceof M365Error && err.code === 'ManagementObjectNotFoundException') {
          return { state: 'failed', gone: true, detail: 'no longer in Exchange: check', followUp: `${phone.label}: no longer in Exchange: check whether the phone partnership was removed`, error: err };
        }
        throw err;
      }
    },
  };
}

export const removeMobileMail: StepRunner = async (ctx) => {
  const upn = ctx.people.leaver.userPrincipalName;
  const targets = await targetsOf(ctx, async () => {
    const { value } = await ctx.exchange.invoke<RawMobileDevice>('Get-MobileDevice', { Mailbox: upn }, upn);
    return value.map(toMobileDevice).map((d) => ({ id: d.identity, label: d.friendlyName, ...(d.outlookApp ? { data: { outlookApp: true } } : {}) }));
  });
  await oneShot(ctx, targets, activeSyncAction(ctx.exchange, upn));
};
