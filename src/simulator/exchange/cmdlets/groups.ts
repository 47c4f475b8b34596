// Distribution lists and mail-enabled security groups, which Graph cannot change: Get-DistributionGroup,
// Get-DistributionGroupMember, Remove-DistributionGroupMember (-BypassSecurityGroupManagerCheck lets an admin act
// without being the group's manager); and Get-Recipient.
import { exchangeErrors } from '../../errors';
import type { GroupRecord } from '../../types';
import { bool, int, requireStr, str, type CmdletContext, type CmdletDef } from '../context';
import { distributionGroupType, findDistributionGroup, findRecipient, groupRecipient, userMatches, userRecipient } from '../recipients';

function requireGroup(ctx: CmdletContext): GroupRecord {
  const identity = requireStr(ctx, 'Identity');
  const group = findDistributionGroup(ctx.state, identity);
  if (!group) {
    throw exchangeErrors.objectNotFound(identity, ctx.server);
  }
  return group;
}

function memberRecipients(ctx: CmdletContext, group: GroupRecord): Record<string, unknown>[] {
  return group.members.flatMap((id) => {
    const user = ctx.state.findUser(id);
    if (user) {
      return [userRecipient(ctx.state, user)];
    }
    const g = ctx.state.findGroup(id);
    return g && g.mailEnabled ? [groupRecipient(g)] : [];
  });
}

const getDistributionGroup: CmdletDef = {
  name: 'Get-DistributionGroup',
  parameters: ['Identity', 'ResultSize', 'RecipientTypeDetails'],
  run(ctx) {
    const groups = str(ctx, 'Identity') === undefined ? ctx.state.data.groups.filter((g) => g.mailEnabled && !g.groupTypes.includes('Unified')) : [requireGroup(ctx)];
    return groups.map((g) => ({ ...groupRecipient(g), ManagedBy: g.owners.map((o) => ctx.state.findUser(o)?.mailNickname ?? o), GroupType: g.securityEnabled ? 'Universal, SecurityEnabled' : 'Universal', RecipientTypeDetails: distributionGroupType(g) }));
  },
};

const getDistributionGroupMember: CmdletDef = {
  name: 'Get-DistributionGroupMember',
  parameters: ['Identity', 'ResultSize', 'IgnoreDefaultScope'],
  required: ['Identity'],
  run(ctx) {
    const group = requireGroup(ctx);
    return memberRecipients(ctx, group).slice(0, int(ctx, 'ResultSize') ?? 1000);
  },
};

/** Exchange's refusal of a change to a group synced from on-premises AD. */
function syncedGroupRefusal(group: GroupRecord, cmdlet: string): Error {
  return exchangeErrors.task(
    'Microsoft.Exchange.Configuration.Tasks.TaskException',
    `The operation on group "${group.displayName}" failed because it's out of the current user's write scope. The action '${cmdlet}', 'Members', can't be performed on the object '${group.displayName}' because the object is being synchronized from your on-premises organization. This action should be performed on the object in your on-premises organization.`,
    'Ex5E5E34',
  );
}

/**
 * Add-DistributionGroupMember -Identity -Member [-BypassSecurityGroupManagerCheck]: as Remove-DistributionGroupMember,
 * an app that is not the group's manager needs the switch ("BypassSecurityGroupManagerCheck": Add-DistributionGroupMember
 * docs); already a member: MemberAlreadyExistsException.
 */
const addDistributionGroupMember: CmdletDef = {
  name: 'Add-DistributionGroupMember',
  parameters: ['Identity', 'Member', 'BypassSecurityGroupManagerCheck'],
  required: ['Identity', 'Member'],
  run(ctx) {
    const group = requireGroup(ctx);
    const memberId = requireStr(ctx, 'Member');
    if (group.onPremisesSyncEnabled) {
      throw syncedGroupRefusal(group, 'Add-DistributionGroupMember');
    }
    if (bool(ctx, 'BypassSecurityGroupManagerCheck', true) !== true) {
      throw exchangeErrors.task(
        'Microsoft.Exchange.Management.Tasks.OperationRequiresGroupManagerException',
        "You don't have sufficient permissions. This operation can only be performed by a manager of the group.",
        'Ex3D2A8F',
      );
    }
    const user = ctx.state.data.users.find((u) => userMatches(u, memberId));
    const member = user?.id ?? ctx.state.data.groups.find((g) => g.mailEnabled && (g.id === memberId || g.mail?.toLowerCase() === memberId.toLowerCase()))?.id;
    if (member === undefined || !findRecipient(ctx.state, memberId)) {
      throw exchangeErrors.objectNotFound(memberId, ctx.server);
    }
    if (group.members.includes(member)) {
      throw exchangeErrors.task(
        'Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException',
        `The recipient "${memberId}" is already a member of the group "${group.displayName}".`,
        'Ex6E9B6A',
      );
    }
    group.members.push(member);
    return [];
  },
};

const removeDistributionGroupMember: CmdletDef = {
  name: 'Remove-DistributionGroupMember',
  parameters: ['Identity', 'Member', 'BypassSecurityGroupManagerCheck'],
  required: ['Identity', 'Member'],
  run(ctx) {
    const group = requireGroup(ctx);
    const memberId = requireStr(ctx, 'Member');
    if (group.onPremisesSyncEnabled) {
      throw syncedGroupRefusal(group, 'Remove-DistributionGroupMember');
    }
    if (bool(ctx, 'BypassSecurityGroupManagerCheck', true) !== true) {
      throw exchangeErrors.task(
        'Microsoft.Exchange.Management.Tasks.OperationRequiresGroupManagerException',
        "You don't have sufficient permissions. This operation can only be performed by a manager of the group.",
        'Ex3D2A8F',
      );
    }
    const user = ctx.state.data.users.find((u) => userMatches(u, memberId));
    const member = user?.id ?? ctx.state.data.groups.find((g) => g.id === memberId || g.mail?.toLowerCase() === memberId.toLowerCase())?.id;
    if (member === undefined || !findRecipient(ctx.state, memberId)) {
      throw exchangeErrors.objectNotFound(memberId, ctx.server);
    }
    if (!group.members.includes(member)) {
      throw exchangeErrors.task('Microsoft.Exchange.Management.Tasks.MemberNotFoundException', `The recipient "${memberId}" isn't a member of the group "${group.displayName}".`, 'Ex6B5E9D');
    }
    group.members = group.members.filter((m) => m !== member);
    if (group.assignedLicenses.length > 0) {
      ctx.state.evaluateConsequences(member, `removed from licence-assigning group '${group.displayName}'`);
    }
    return [];
  },
};

const getRecipient: CmdletDef = {
  name: 'Get-Recipient',
  parameters: ['Identity', 'ResultSize', 'RecipientTypeDetails'],
  run(ctx) {
    const identity = str(ctx, 'Identity');
    if (identity !== undefined) {
      const r = findRecipient(ctx.state, identity);
      if (!r) {
        throw exchangeErrors.objectNotFound(identity, ctx.server);
      }
      return [r];
    }
    const wanted = str(ctx, 'RecipientTypeDetails')?.split(',').map((s) => s.trim().toLowerCase());
    const all = [
      ...ctx.state.data.users.filter((u) => u.mail !== null).map((u) => userRecipient(ctx.state, u)),
      ...ctx.state.data.groups.filter((g) => g.mailEnabled).map(groupRecipient),
    ];
    return (wanted ? all.filter((r) => wanted.includes(String(r.RecipientTypeDetails).toLowerCase())) : all).slice(0, int(ctx, 'ResultSize') ?? 1000);
  },
};

export const groupCmdlets = [getDistributionGroup, getDistributionGroupMember, addDistributionGroupMember, removeDistributionGroupMember, getRecipient];
