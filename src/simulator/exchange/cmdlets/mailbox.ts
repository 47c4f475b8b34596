// Get-Mailbox, Set-Mailbox, Get-MailboxStatistics.
// Set-Mailbox -Type Shared is accepted at once but Get-Mailbox shows SharedMailbox only after the configured delay,
// as the real service does (the conversion is asynchronous; CIPP issues #1494/#1565 show fixed waits racing it).
import { exchangeErrors } from '../../errors';
import { EXCHANGE_MAILBOX_PLANS } from '../../state';
import type { MailboxType } from '../../types';
import { APP_CALLER, bool, has, int, noChangeWarning, requireStr, str, type CmdletContext, type CmdletDef } from '../context';
import { findRecipient, mailboxObject, requireMailbox, userMatches } from '../recipients';

const MAILBOX_TYPES: Record<string, MailboxType | undefined> = {
  regular: 'UserMailbox',
  shared: 'SharedMailbox',
  room: 'RoomMailbox',
  equipment: 'EquipmentMailbox',
  workspace: undefined,
};

/**
 * Exchange's ByteQuantifiedSize text: "12.34 GB (13,249,974,272 bytes)" — binary units, four significant digits,
 * trailing zeros dropped.
 */
export function formatByteQuantifiedSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 ? String(bytes) : String(Number(value.toPrecision(4)));
  return `${shown} ${units[unit]!} (${bytes.toLocaleString('en-US')} bytes)`;
}

const getMailbox: CmdletDef = {
  name: 'Get-Mailbox',
  parameters: ['Identity', 'ResultSize', 'RecipientTypeDetails', 'SoftDeletedMailbox'],
  run(ctx) {
    const identity = str(ctx, 'Identity');
    // A mailbox is soft-deleted with its account, so it is no active mailbox until the account is restored (then it
    // is back as it was); past the account's 30 days it is gone ("Delete or restore user mailboxes in Exchange Online").
    ctx.state.purgeExpiredDeletions();
    if (bool(ctx, 'SoftDeletedMailbox', true)) {
      // Mailboxes of deleted accounts, restorable with the account for 30 days.
      const deleted = [...ctx.state.softDeletedMailboxes.entries()].flatMap(([userId, m]) => {
        const user = ctx.state.deletedUsers.get(userId)?.user;
        return user && (identity === undefined || userMatches(user, identity)) ? [{ ...mailboxObject(ctx.state, m, user), IsSoftDeletedByRemove: true, WhenSoftDeleted: ctx.state.deletedUsers.get(userId)!.deletedDateTime }] : [];
      });
      if (identity !== undefined && deleted.length === 0) {
        throw exchangeErrors.objectNotFound(identity, ctx.server);
      }
      return deleted;
    }
    if (identity !== undefined) {
      const { mailbox, user } = requireMailbox(ctx.state, identity, ctx.server);
      return [mailboxObject(ctx.state, mailbox, user)];
    }
    const wanted = str(ctx, 'RecipientTypeDetails')?.split(',').map((s) => s.trim().toLowerCase());
    const size = int(ctx, 'ResultSize') ?? 1000;
    const all = ctx.state.data.mailboxes.flatMap((m) => {
      const user = ctx.state.findUser(m.userId);
      return user ? [mailboxObject(ctx.state, m, user)] : [];
    });
    const filtered = wanted ? all.filter((m) => wanted.includes(String(m.RecipientTypeDetails).toLowerCase())) : all;
    if (filtered.length > size && !has(ctx, 'ResultSize')) {
      ctx.warnings.push('There are more results available than are currently displayed. To view them, increase the value for the ResultSize parameter.');
    }
    return filtered.slice(0, size);
  },
};

function smtpAddress(ctx: CmdletContext, name: string, value: string): string {
  const address = value.replace(/^smtp:/i, '');
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) {
    throw exchangeErrors.badValue(name, value, 'Microsoft.Exchange.Data.ProxyAddress');
  }
  return `smtp:${address}`;
}

/**
 * Attributes an on-premises AD masters for a synced (IsDirSynced) mailbox — among the Exchange Online attributes
 * Entra Connect synchronizes ("Attributes synchronized to Microsoft Entra ID"): msExchHideFromAddressLists,
 * altRecipient. ForwardingSmtpAddress (msExchGenericForwardingAddress) and deliverAndRedirect are not on that list, so
 * Exchange Online accepts them. A mailbox whose IsExchangeCloudManaged is true has its Exchange attributes managed in
 * the cloud, and accepts all of them.
 */
const ON_PREMISES_MASTERED = ['HiddenFromAddressListsEnabled', 'ForwardingAddress'];

const setMailbox: CmdletDef = {
  name: 'Set-Mailbox',
  parameters: [
    'Identity', 'Type', 'LitigationHoldEnabled', 'LitigationHoldDuration', 'LitigationHoldOwner', 'RetentionComment', 'RetentionUrl',
    'ForwardingSmtpAddress', 'ForwardingAddress', 'DeliverToMailboxAndForward', 'HiddenFromAddressListsEnabled', 'GrantSendOnBehalfTo', 'Force',
  ],
  required: ['Identity'],
  run(ctx) {
    const identity = requireStr(ctx, 'Identity');
    const { mailbox, user } = requireMailbox(ctx.state, identity, ctx.server);
    const dirSyncedParam = ON_PREMISES_MASTERED.find((p) => has(ctx, p));
    if (user.onPremisesSyncEnabled && mailbox.IsExchangeCloudManaged !== true && dirSyncedParam !== undefined) {
      throw exchangeErrors.task(
        'Microsoft.Exchange.Configuration.Tasks.TaskException',
        `The operation on mailbox "${mailbox.Alias}" failed because it's out of the current user's write scope. The action 'Set-Mailbox', '${dirSyncedParam}', can't be performed on the object '${mailbox.Alias}' because the object is being synchronized from your on-premises organization. This action should be performed on the object in your on-premises organization.`,
        'Ex5E5E34',
      );
    }
    const before = JSON.stringify({ ...mailbox, pending: ctx.state.pendingConversions.get(user.id) });

    const typeParam = str(ctx, 'Type');
    if (typeParam !== undefined) {
      const key = typeParam.toLowerCase();
      if (!(key in MAILBOX_TYPES)) {
        throw exchangeErrors.badValue('Type', typeParam, 'Microsoft.Exchange.Management.RecipientTasks.ConvertibleMailboxSubType', ['Regular', 'Room', 'Equipment', 'Shared', 'Workspace']);
      }
      const target = MAILBOX_TYPES[key] ?? 'RoomMailbox';
      const pending = ctx.state.pendingConversions.get(user.id);
      if (ctx.state.visibleType(mailbox) !== target && pending?.type !== target) {
        const now = ctx.state.now();
        ctx.state.pendingConversions.set(user.id, { type: target, requestedAt: now, visibleAt: now + ctx.mailboxConversionDelayMs });
        ctx.state.visibleType(mailbox);
        // Exchange converts a shared mailbox back to a user mailbox without checking licences, but "you must assign a
        // license" to it ("Convert a shared mailbox to a user mailbox"): an unlicensed user mailbox is disabled after
        // the 30-day grace period. Recorded as that consequence; a warning tells the caller.
        if (target === 'UserMailbox' && ![...ctx.state.servicePlanNames(user)].some((p) => EXCHANGE_MAILBOX_PLANS.has(p))) {
          ctx.state.addConsequence(user.id, 'mailboxMarkedForDeletion', 'Set-Mailbox -Type Regular: the user mailbox has no Exchange Online licence and is disabled after the grace period');
          ctx.warnings.push(`The mailbox "${mailbox.Alias}" is a user mailbox without an Exchange Online license. Assign a license within 30 days or the mailbox will be disabled.`);
        }
      }
    }

    const hold = bool(ctx, 'LitigationHoldEnabled');
    if (hold !== undefined && hold !== mailbox.LitigationHoldEnabled) {
      mailbox.LitigationHoldEnabled = hold;
      mailbox.LitigationHoldDate = hold ? ctx.state.isoNow() : null;
      mailbox.LitigationHoldOwner = hold ? APP_CALLER : null;
    }
    const duration = str(ctx, 'LitigationHoldDuration');
    if (duration !== undefined) {
      mailbox.LitigationHoldDuration = duration;
    }
    if (has(ctx, 'ForwardingSmtpAddress')) {
      const v = str(ctx, 'ForwardingSmtpAddress');
      mailbox.ForwardingSmtpAddress = v === undefined || v === '' ? null : smtpAddress(ctx, 'ForwardingSmtpAddress', v);
    }
    if (has(ctx, 'ForwardingAddress')) {
      const v = str(ctx, 'ForwardingAddress');
      if (v === undefined || v === '') {
        mailbox.ForwardingAddress = null;
      } else {
        const target = findRecipient(ctx.state, v);
        if (!target) {
          throw exchangeErrors.task('Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException', `Couldn't find object "${v}". Please make sure that it was spelled correctly or specify a different object.`, 'Ex6F9304');
        }
        mailbox.ForwardingAddress = String(target.Name);
      }
    }
    const deliver = bool(ctx, 'DeliverToMailboxAndForward');
    if (deliver !== undefined) {
      mailbox.DeliverToMailboxAndForward = deliver;
    }
    const hidden = bool(ctx, 'HiddenFromAddressListsEnabled');
    if (hidden !== undefined) {
      mailbox.HiddenFromAddressListsEnabled = hidden;
    }
    if (hold !== undefined) {
      ctx.state.evaluateConsequences(user.id, 'Set-Mailbox -LitigationHoldEnabled');
    }
    if (JSON.stringify({ ...mailbox, pending: ctx.state.pendingConversions.get(user.id) }) === before) {
      ctx.warnings.push(noChangeWarning(mailbox.Alias));
    }
    return [];
  },
};

const getMailboxStatistics: CmdletDef = {
  name: 'Get-MailboxStatistics',
  parameters: ['Identity', 'Archive', 'IncludeSoftDeletedRecipients'],
  required: ['Identity'],
  run(ctx) {
    const { mailbox, user } = requireMailbox(ctx.state, requireStr(ctx, 'Identity'), ctx.server);
    return [
      {
        DisplayName: user.displayName,
        MailboxGuid: mailbox.ExchangeGuid,
        MailboxTypeDetail: ctx.state.visibleType(mailbox),
        ItemCount: mailbox.itemCount,
        DeletedItemCount: Math.round(mailbox.itemCount * 0.04),
        TotalItemSize: formatByteQuantifiedSize(mailbox.totalItemSizeBytes),
        TotalDeletedItemSize: formatByteQuantifiedSize(mailbox.totalDeletedItemSizeBytes),
        SystemMessageSize: formatByteQuantifiedSize(Math.round(mailbox.totalItemSizeBytes * 0.001)),
        LastLogonTime: mailbox.lastLogonTime,
        IsArchiveMailbox: false,
        StorageLimitStatus: null,
        OwnerADGuid: mailbox.Guid,
        ExternalDirectoryOrganizationId: ctx.state.data.tenant.id,
      },
    ];
  },
};

export const mailboxCmdlets = [getMailbox, setMailbox, getMailboxStatistics];
