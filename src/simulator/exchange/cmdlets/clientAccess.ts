// Client access protocols (Get-/Set-CASMailbox) and Exchange ActiveSync / Outlook mobile devices
// (Get-MobileDevice, Clear-MobileDevice -AccountOnly). Every Clear-MobileDevice is counted in state.
import { exchangeErrors } from '../../errors';
import type { CasSettings, MailboxRecord, MobileDeviceRecord, UserRecord } from '../../types';
import { bool, noChangeWarning, requireStr, str, type CmdletContext, type CmdletDef } from '../context';
import { requireMailbox } from '../recipients';

const PROTOCOLS: (keyof CasSettings)[] = ['ActiveSyncEnabled', 'OWAEnabled', 'OWAforDevicesEnabled', 'PopEnabled', 'ImapEnabled', 'MAPIEnabled', 'EwsEnabled', 'SmtpClientAuthenticationDisabled'];

const getCasMailbox: CmdletDef = {
  name: 'Get-CASMailbox',
  parameters: ['Identity', 'ResultSize'],
  run(ctx) {
    const identity = str(ctx, 'Identity');
    const targets = identity === undefined
      ? ctx.state.data.mailboxes.flatMap((m) => (ctx.state.findUser(m.userId) ? [m] : []))
      : [requireMailbox(ctx.state, identity, ctx.server).mailbox];
    return targets.map((m) => {
      const user = ctx.state.findUser(m.userId);
      return { Identity: m.Alias, Name: m.Alias, DisplayName: user?.displayName ?? null, PrimarySmtpAddress: user?.mail ?? null, ExternalDirectoryObjectId: m.userId, ...m.cas };
    });
  },
};

const setCasMailbox: CmdletDef = {
  name: 'Set-CASMailbox',
  parameters: ['Identity', ...PROTOCOLS],
  required: ['Identity'],
  run(ctx) {
    const { mailbox } = requireMailbox(ctx.state, requireStr(ctx, 'Identity'), ctx.server);
    let changed = false;
    for (const p of PROTOCOLS) {
      const v = bool(ctx, p);
      if (v !== undefined && mailbox.cas[p] !== v) {
        (mailbox.cas as unknown as Record<string, boolean>)[p] = v;
        changed = true;
      }
    }
    if (!changed) {
      ctx.warnings.push(noChangeWarning(mailbox.Alias));
    }
    return [];
  },
};

function deviceIdentity(mailbox: MailboxRecord, d: MobileDeviceRecord): string {
  return `${mailbox.Alias}\\ExchangeActiveSyncDevices\\${d.DeviceType}\u00a7${d.DeviceId}`;
}

function deviceObject(mailbox: MailboxRecord, user: UserRecord, d: MobileDeviceRecord): Record<string, unknown> {
  return {
    Identity: deviceIdentity(mailbox, d),
    Guid: d.Guid,
    DeviceId: d.DeviceId,
    DeviceType: d.DeviceType,
    DeviceModel: d.DeviceModel,
    DeviceOS: d.DeviceOS,
    FriendlyName: d.FriendlyName,
    DeviceUserAgent: d.DeviceUserAgent,
    ClientType: d.ClientType,
    DeviceAccessState: d.DeviceAccessState,
    DeviceAccessStateReason: 'Global',
    FirstSyncTime: d.FirstSyncTime,
    UserDisplayName: `${user.displayName}`,
    DeviceWipeStatus: d.WipeRequested === 'None' ? null : 'WipePending',
  };
}

function allDevices(ctx: CmdletContext): { mailbox: MailboxRecord; user: UserRecord; device: MobileDeviceRecord }[] {
  return ctx.state.data.mailboxes.flatMap((mailbox) => {
    const user = ctx.state.findUser(mailbox.userId);
    return user ? mailbox.mobileDevices.map((device) => ({ mailbox, user, device })) : [];
  });
}

function findDevice(ctx: CmdletContext, identity: string): { mailbox: MailboxRecord; user: UserRecord; device: MobileDeviceRecord } | undefined {
  const key = identity.toLowerCase();
  return allDevices(ctx).find(({ mailbox, device }) => [device.Guid, device.DeviceId, deviceIdentity(mailbox, device)].some((x) => x.toLowerCase() === key));
}

const getMobileDevice: CmdletDef = {
  name: 'Get-MobileDevice',
  parameters: ['Mailbox', 'Identity', 'ResultSize', 'ActiveSync', 'OWAforDevices', 'RestApi'],
  run(ctx) {
    const identity = str(ctx, 'Identity');
    if (identity !== undefined) {
      const found = findDevice(ctx, identity);
      if (!found) {
        throw exchangeErrors.objectNotFound(identity, ctx.server);
      }
      return [deviceObject(found.mailbox, found.user, found.device)];
    }
    const mailboxId = str(ctx, 'Mailbox');
    if (mailboxId !== undefined) {
      const { mailbox, user } = requireMailbox(ctx.state, mailboxId, ctx.server);
      return mailbox.mobileDevices.map((d) => deviceObject(mailbox, user, d));
    }
    return allDevices(ctx).map(({ mailbox, user, device }) => deviceObject(mailbox, user, device));
  },
};

const clearMobileDevice: CmdletDef = {
  name: 'Clear-MobileDevice',
  parameters: ['Identity', 'AccountOnly', 'NotificationEmailAddresses', 'Cancel'],
  required: ['Identity'],
  run(ctx) {
    const identity = requireStr(ctx, 'Identity');
    const found = findDevice(ctx, identity);
    if (!found) {
      throw exchangeErrors.objectNotFound(identity, ctx.server);
    }
    if (bool(ctx, 'Cancel', true)) {
      found.device.WipeRequested = 'None';
      return [];
    }
    found.device.WipeRequested = bool(ctx, 'AccountOnly', true) ? 'AccountOnly' : 'Full';
    ctx.state.count(ctx.state.actions.clearMobileDevice, found.device.Guid);
    return [];
  },
};

export const clientAccessCmdlets = [getCasMailbox, setCasMailbox, getMobileDevice, clearMobileDevice];
