// Mailbox (FullAccess...) and recipient (SendAs) permissions: Add-/Get-/Remove-MailboxPermission,
// Add-/Get-RecipientPermission.
import { exchangeErrors } from '../../errors';
import { bool, requireStr, str, strList, type CmdletContext, type CmdletDef } from '../context';
import { findRecipient, requireMailbox } from '../recipients';

const MAILBOX_RIGHTS = ['ChangeOwner', 'ChangePermission', 'DeleteItem', 'ExternalAccount', 'FullAccess', 'ReadPermission'];

/** The trustee as Exchange shows it (its UPN for users), or Exchange's error for one it cannot find. */
function trustee(ctx: CmdletContext, param: string): string {
  const identity = requireStr(ctx, param);
  if (/^NT AUTHORITY\\/i.test(identity)) {
    return identity;
  }
  const user = ctx.state.data.users.find((u) => [u.id, u.userPrincipalName, u.mail ?? '', u.mailNickname].some((x) => x.toLowerCase() === identity.toLowerCase()));
  if (user) {
    return user.userPrincipalName;
  }
  const recipient = findRecipient(ctx.state, identity);
  if (recipient) {
    return String(recipient.PrimarySmtpAddress ?? recipient.Name);
  }
  throw exchangeErrors.task('Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException', `The user "${identity}" wasn't found. Please make sure you have typed it correctly.`, 'Ex6F9304');
}

function rights(ctx: CmdletContext, allowed: string[]): string[] {
  const list = strList(ctx, 'AccessRights');
  if (!list || list.length === 0) {
    throw exchangeErrors.missingParameter(ctx.cmdlet, 'AccessRights');
  }
  return list.map((r) => {
    const canonical = allowed.find((a) => a.toLowerCase() === r.toLowerCase());
    if (!canonical) {
      throw exchangeErrors.badValue('AccessRights', r, 'Microsoft.Exchange.Management.RecipientTasks.MailboxRights[]', allowed);
    }
    return canonical;
  });
}

const addMailboxPermission: CmdletDef = {
  name: 'Add-MailboxPermission',
  parameters: ['Identity', 'User', 'AccessRights', 'AutoMapping', 'InheritanceType', 'Deny', 'Owner'],
  required: ['Identity', 'User', 'AccessRights'],
  run(ctx) {
    const { mailbox } = requireMailbox(ctx.state, requireStr(ctx, 'Identity'), ctx.server);
    const user = trustee(ctx, 'User');
    const wanted = rights(ctx, MAILBOX_RIGHTS);
    const deny = bool(ctx, 'Deny', true) ?? false;
    const inheritance = str(ctx, 'InheritanceType') ?? 'All';
    let entry = mailbox.permissions.find((p) => p.User.toLowerCase() === user.toLowerCase() && p.Deny === deny);
    if (entry && wanted.every((r) => entry!.AccessRights.includes(r))) {
      ctx.warnings.push(`The appropriate access control entry is already present on the object "${mailbox.Alias}" for account "${user}".`);
    } else if (entry) {
      entry.AccessRights = [...new Set([...entry.AccessRights, ...wanted])];
    } else {
      entry = { User: user, AccessRights: wanted, IsInherited: false, Deny: deny, InheritanceType: inheritance, AutoMapping: bool(ctx, 'AutoMapping') ?? true };
      mailbox.permissions.push(entry);
    }
    return [{ Identity: mailbox.Alias, User: entry.User, AccessRights: entry.AccessRights, IsInherited: false, Deny: entry.Deny, InheritanceType: entry.InheritanceType }];
  },
};

const getMailboxPermission: CmdletDef = {
  name: 'Get-MailboxPermission',
  parameters: ['Identity', 'User', 'Owner', 'ResultSize'],
  required: ['Identity'],
  run(ctx) {
    const { mailbox } = requireMailbox(ctx.state, requireStr(ctx, 'Identity'), ctx.server);
    const user = str(ctx, 'User');
    const who = user === undefined ? undefined : trustee(ctx, 'User').toLowerCase();
    return mailbox.permissions
      .filter((p) => who === undefined || p.User.toLowerCase() === who)
      .map((p) => ({ Identity: mailbox.Alias, User: p.User, AccessRights: p.AccessRights, IsInherited: p.IsInherited, Deny: p.Deny, InheritanceType: p.InheritanceType }));
  },
};

const removeMailboxPermission: CmdletDef = {
  name: 'Remove-MailboxPermission',
  parameters: ['Identity', 'User', 'AccessRights', 'InheritanceType', 'Deny', 'BypassMasterAccountSid'],
  required: ['Identity', 'User', 'AccessRights'],
  run(ctx) {
    const { mailbox } = requireMailbox(ctx.state, requireStr(ctx, 'Identity'), ctx.server);
    const user = trustee(ctx, 'User').toLowerCase();
    const wanted = rights(ctx, MAILBOX_RIGHTS);
    const deny = bool(ctx, 'Deny', true) ?? false;
    const inheritance = str(ctx, 'InheritanceType');
    // The ACE to remove is the explicit one of that trustee with that Deny flag (and InheritanceType when given);
    // inherited entries are not removed here. Absent: Exchange's warning, nothing changes.
    const entry = mailbox.permissions.find(
      (p) => p.User.toLowerCase() === user && !p.IsInherited && p.Deny === deny && (inheritance === undefined || p.InheritanceType.toLowerCase() === inheritance.toLowerCase()) && wanted.some((r) => p.AccessRights.includes(r)),
    );
    if (!entry) {
      ctx.warnings.push(`Can't remove the access control entry on the object "${mailbox.Alias}" for account "${user}" because the ACE doesn't exist on the object.`);
      return [];
    }
    entry.AccessRights = entry.AccessRights.filter((r) => !wanted.includes(r));
    mailbox.permissions = mailbox.permissions.filter((p) => p.AccessRights.length > 0);
    return [];
  },
};

const addRecipientPermission: CmdletDef = {
  name: 'Add-RecipientPermission',
  parameters: ['Identity', 'Trustee', 'AccessRights', 'Force'],
  required: ['Identity', 'Trustee', 'AccessRights'],
  run(ctx) {
    const { mailbox } = requireMailbox(ctx.state, requireStr(ctx, 'Identity'), ctx.server);
    const who = trustee(ctx, 'Trustee');
    rights(ctx, ['SendAs']);
    let entry = mailbox.recipientPermissions.find((p) => p.Trustee.toLowerCase() === who.toLowerCase());
    if (entry) {
      ctx.warnings.push(`The appropriate access control entry is already present on the object "${mailbox.Alias}" for account "${who}".`);
    } else {
      entry = { Trustee: who, AccessRights: ['SendAs'], AccessControlType: 'Allow', IsInherited: false, InheritanceType: 'None' };
      mailbox.recipientPermissions.push(entry);
    }
    return [{ Identity: mailbox.Alias, ...entry }];
  },
};

const getRecipientPermission: CmdletDef = {
  name: 'Get-RecipientPermission',
  parameters: ['Identity', 'Trustee', 'AccessRights', 'ResultSize'],
  run(ctx) {
    const identity = str(ctx, 'Identity');
    const targets = identity === undefined ? ctx.state.data.mailboxes : [requireMailbox(ctx.state, identity, ctx.server).mailbox];
    const who = str(ctx, 'Trustee') === undefined ? undefined : trustee(ctx, 'Trustee').toLowerCase();
    return targets.flatMap((m) => m.recipientPermissions.filter((p) => who === undefined || p.Trustee.toLowerCase() === who).map((p) => ({ Identity: m.Alias, ...p })));
  },
};

/**
 * Remove-RecipientPermission -Identity -Trustee -AccessRights SendAs [-Confirm:$false]. No such ACE: Exchange's warning
 * (the same "Can't remove the access control entry ... because the ACE doesn't exist on the object." as for mailbox
 * permissions), nothing changes.
 */
const removeRecipientPermission: CmdletDef = {
  name: 'Remove-RecipientPermission',
  parameters: ['Identity', 'Trustee', 'AccessRights', 'Deny'],
  required: ['Identity', 'Trustee', 'AccessRights'],
  run(ctx) {
    const { mailbox } = requireMailbox(ctx.state, requireStr(ctx, 'Identity'), ctx.server);
    const who = trustee(ctx, 'Trustee');
    rights(ctx, ['SendAs']);
    const type = bool(ctx, 'Deny', true) === true ? 'Deny' : 'Allow';
    const entry = mailbox.recipientPermissions.find((p) => p.Trustee.toLowerCase() === who.toLowerCase() && p.AccessControlType === type && !p.IsInherited);
    if (!entry) {
      ctx.warnings.push(`Can't remove the access control entry on the object "${mailbox.Alias}" for account "${who}" because the ACE doesn't exist on the object.`);
      return [];
    }
    mailbox.recipientPermissions = mailbox.recipientPermissions.filter((p) => p !== entry);
    return [];
  },
};

export const permissionCmdlets = [addMailboxPermission, getMailboxPermission, removeMailboxPermission, addRecipientPermission, getRecipientPermission, removeRecipientPermission];
