// Client access protocols (Get-/Set-CASMailbox) and Exchange ActiveSync / Outlook mobile devices
// (Get-MobileDevice, Get-MobileDeviceStatistics, Clear-MobileDevice [-AccountOnly] [-Cancel]). Every wipe request
// is counted in state.
import { ExchangeError, exchangeErrors } from '../../errors';
import type { CasSettings } from '../../types';
import { APP_CALLER, bool, noChangeWarning, requireStr, str, type CmdletContext, type CmdletDef } from '../context';
import { allMobileDevices, cancelWipe, deviceIdentity, findMobileDevice, requestWipe, statisticsObject, type FoundMobileDevice } from '../mobileDevices';
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

function deviceObject({ mailbox, user, device: d }: FoundMobileDevice): Record<string, unknown> {
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

function requireDevice(ctx: CmdletContext, identity: string): FoundMobileDevice {
  const found = findMobileDevice(ctx.state, identity);
  if (!found) {
    throw exchangeErrors.objectNotFound(identity, ctx.server);
  }
  return found;
}

/** -Identity or -Mailbox (one of the two parameter sets), as Get-MobileDevice and Get-MobileDeviceStatistics take them. */
function devicesOf(ctx: CmdletContext, mailboxRequired: boolean): FoundMobileDevice[] {
  const identity = str(ctx, 'Identity');
  const mailboxId = str(ctx, 'Mailbox');
  if (identity !== undefined && mailboxId !== undefined) {
    throw new ExchangeError(400, 'BadRequest', 'Invalid Operation', 'System.Management.Automation.ParameterBindingException', 'Parameter set cannot be resolved using the specified named parameters.', '', false);
  }
  if (identity !== undefined) {
    return [requireDevice(ctx, identity)];
  }
  if (mailboxId !== undefined) {
    const { mailbox, user } = requireMailbox(ctx.state, mailboxId, ctx.server);
    return mailbox.mobileDevices.map((device) => ({ mailbox, user, device }));
  }
  if (mailboxRequired) {
    throw exchangeErrors.missingParameter(ctx.cmdlet, 'Identity');
  }
  return allMobileDevices(ctx.state);
}

const getMobileDevice: CmdletDef = {
  name: 'Get-MobileDevice',
  parameters: ['Mailbox', 'Identity', 'ResultSize', 'ActiveSync', 'OWAforDevices', 'RestApi'],
  run: (ctx) => devicesOf(ctx, false).map(deviceObject),
};

// The wipe record a bot settles an unanswered Clear-MobileDevice against (mobileDevices.ts).
const getMobileDeviceStatistics: CmdletDef = {
  name: 'Get-MobileDeviceStatistics',
  parameters: ['Identity', 'Mailbox', 'ActiveSync', 'OWAforDevices', 'RestApi', 'UniversalOutlook', 'GetMailboxLog', 'NotificationEmailAddresses', 'ShowRecoveryPassword'],
  run: (ctx) => devicesOf(ctx, true).map(({ mailbox, device }) => statisticsObject(mailbox, device)),
};

const clearMobileDevice: CmdletDef = {
  name: 'Clear-MobileDevice',
  parameters: ['Identity', 'AccountOnly', 'NotificationEmailAddresses', 'Cancel'],
  required: ['Identity'],
  run(ctx) {
    const { device } = requireDevice(ctx, requireStr(ctx, 'Identity'));
    if (bool(ctx, 'Cancel', true)) {
      cancelWipe(device);
      return [];
    }
    requestWipe(ctx.state, device, bool(ctx, 'AccountOnly', true) === true, APP_CALLER);
    ctx.state.count(ctx.state.actions.clearMobileDevice, device.Guid);
    return [];
  },
};

export const clientAccessCmdlets = [getCasMailbox, setCasMailbox, getMobileDevice, getMobileDeviceStatistics, clearMobileDevice];
