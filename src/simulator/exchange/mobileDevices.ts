// Exchange ActiveSync / Outlook for iOS and Android partnerships and their remote-wipe record: what Clear-MobileDevice
// writes, what a sync delivers, and what Get-MobileDeviceStatistics reports. Property names are Exchange's
// (MobileDeviceConfiguration: DeviceID, DeviceWipeRequestTime / SentTime / AckTime, LastDeviceWipeRequestor, and the
// AccountOnly* twins that Get-EXOMobileDeviceStatistics' "Wipe" property set lists).
//
// Our model of delivery (unverified against a tenant): a wipe request is sent when the device next syncs and
// acknowledged at once; Outlook for iOS/Android (ClientType Outlook) takes the sent account-only wipe but never
// acknowledges it, and acts only on a full wipe (which removes only Outlook's data); a partnership whose user is
// blocked in Entra or whose mailbox has ActiveSyncEnabled false no longer syncs, so nothing reaches it.
import type { TenantState } from '../state';
import type { MailboxRecord, MobileDeviceRecord, UserRecord } from '../types';

export interface FoundMobileDevice {
  mailbox: MailboxRecord;
  user: UserRecord;
  device: MobileDeviceRecord;
}

type WipeKind = 'DeviceWipe' | 'AccountOnlyDeviceWipe';

export interface MobileSyncResult {
  synced: boolean;
  /** Why nothing was delivered. */
  reason: 'accountDisabled' | 'activeSyncDisabled' | null;
}

/** `<alias>\ExchangeActiveSyncDevices\<object name>`; Outlook's REST partnerships are named REST§Outlook§<id>. */
export function deviceIdentity(mailbox: MailboxRecord, d: MobileDeviceRecord): string {
  const name = d.ClientType === 'Outlook' ? `REST\u00a7Outlook\u00a7${d.DeviceId}` : `${d.DeviceType}\u00a7${d.DeviceId}`;
  return `${mailbox.Alias}\\ExchangeActiveSyncDevices\\${name}`;
}

export function allMobileDevices(state: TenantState): FoundMobileDevice[] {
  return state.data.mailboxes.flatMap((mailbox) => {
    const user = state.findUser(mailbox.userId);
    return user ? mailbox.mobileDevices.map((device) => ({ mailbox, user, device })) : [];
  });
}

/** By Identity (as Get-MobileDevice returns it), Guid or DeviceId, case-insensitively. */
export function findMobileDevice(state: TenantState, identity: string): FoundMobileDevice | undefined {
  const key = identity.toLowerCase();
  return allMobileDevices(state).find(({ mailbox, device }) => [device.Guid, device.DeviceId, deviceIdentity(mailbox, device)].some((x) => x.toLowerCase() === key));
}

/** Clear-MobileDevice [-AccountOnly]: a new request starts a new cycle (sent and acknowledged cleared). */
export function requestWipe(state: TenantState, d: MobileDeviceRecord, accountOnly: boolean, requestor: string): void {
  const kind: WipeKind = accountOnly ? 'AccountOnlyDeviceWipe' : 'DeviceWipe';
  d[`${kind}RequestTime`] = state.isoNow();
  d[`${kind}SentTime`] = null;
  d[`${kind}AckTime`] = null;
  d[`Last${kind}Requestor`] = requestor;
  d.WipeRequested = accountOnly ? 'AccountOnly' : 'Full';
}

/** Clear-MobileDevice -Cancel: withdraws requests the device has not acknowledged; the last requestor stays. */
export function cancelWipe(d: MobileDeviceRecord): void {
  for (const kind of ['DeviceWipe', 'AccountOnlyDeviceWipe'] as const) {
    if (!d[`${kind}AckTime`]) {
      d[`${kind}RequestTime`] = null;
      d[`${kind}SentTime`] = null;
    }
  }
  d.WipeRequested = 'None';
}

function deliver(d: MobileDeviceRecord, kind: WipeKind, now: string, acknowledges: boolean): void {
  if (d[`${kind}RequestTime`] && !d[`${kind}AckTime`]) {
    d[`${kind}SentTime`] ??= now;
    if (acknowledges) {
      d[`${kind}AckTime`] = now;
    }
  }
}

/** The partnership syncs (see the model at the top). */
export function syncMobileDevice(state: TenantState, { user, mailbox, device }: FoundMobileDevice): MobileSyncResult {
  if (!user.accountEnabled) {
    return { synced: false, reason: 'accountDisabled' };
  }
  if (!mailbox.cas.ActiveSyncEnabled) {
    return { synced: false, reason: 'activeSyncDisabled' };
  }
  const now = state.isoNow();
  device.LastSyncAttemptTime = now;
  device.LastSuccessSync = now;
  deliver(device, 'DeviceWipe', now, true);
  deliver(device, 'AccountOnlyDeviceWipe', now, device.ClientType !== 'Outlook');
  return { synced: true, reason: null };
}

/**
 * Status as Exchange derives it (MobileDeviceConfiguration.Status: acknowledged → DeviceWipeSucceeded, nothing
 * requested → DeviceOk, else DeviceWipePending). The AccountOnly* values are Exchange Online's for account-only
 * wipes: AccountOnlyDeviceWipeSucceeded is seen in scripts, AccountOnlyDeviceWipePending is our inference.
 */
function wipeStatus(d: MobileDeviceRecord): string {
  for (const kind of ['DeviceWipe', 'AccountOnlyDeviceWipe'] as const) {
    const prefix = kind === 'DeviceWipe' ? 'Device' : 'AccountOnlyDevice';
    if (d[`${kind}AckTime`]) {
      return `${prefix}WipeSucceeded`;
    }
    if (d[`${kind}RequestTime`] || d[`${kind}SentTime`]) {
      return `${prefix}WipePending`;
    }
  }
  return 'DeviceOk';
}

/** Get-MobileDeviceStatistics' object; unset times are null; dates are ISO strings. */
export function statisticsObject(mailbox: MailboxRecord, d: MobileDeviceRecord): Record<string, unknown> {
  const lastSuccess = d.LastSuccessSync ?? d.FirstSyncTime;
  return {
    Identity: deviceIdentity(mailbox, d),
    Guid: d.Guid,
    DeviceID: d.DeviceId,
    DeviceType: d.DeviceType,
    DeviceModel: d.DeviceModel,
    DeviceOS: d.DeviceOS,
    DeviceFriendlyName: d.FriendlyName,
    DeviceUserAgent: d.DeviceUserAgent,
    ClientType: d.ClientType,
    FirstSyncTime: d.FirstSyncTime,
    LastSuccessSync: lastSuccess,
    LastSyncAttemptTime: d.LastSyncAttemptTime ?? lastSuccess,
    DeviceAccessState: d.DeviceAccessState,
    DeviceAccessStateReason: 'Global',
    IsRemoteWipeSupported: true,
    Status: wipeStatus(d),
    DeviceWipeRequestTime: d.DeviceWipeRequestTime ?? null,
    DeviceWipeSentTime: d.DeviceWipeSentTime ?? null,
    DeviceWipeAckTime: d.DeviceWipeAckTime ?? null,
    LastDeviceWipeRequestor: d.LastDeviceWipeRequestor ?? null,
    AccountOnlyDeviceWipeRequestTime: d.AccountOnlyDeviceWipeRequestTime ?? null,
    AccountOnlyDeviceWipeSentTime: d.AccountOnlyDeviceWipeSentTime ?? null,
    AccountOnlyDeviceWipeAckTime: d.AccountOnlyDeviceWipeAckTime ?? null,
    LastAccountOnlyDeviceWipeRequestor: d.LastAccountOnlyDeviceWipeRequestor ?? null,
  };
}
