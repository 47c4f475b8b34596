// Role-assignable groups (isAssignableToRole): groups that can hold directory roles. Pure, like the planner that calls
// it. What Microsoft documents ("Use Microsoft Entra groups to manage role assignments", group-delete-members):
// - changing their membership through Graph also needs RoleManagement.ReadWrite.Directory ("The Group.ReadWrite.All
//   permission won't work"), a permission that lets the app manage every role assignment, its own included. So by
//   default the leaver stays in them, with the reason and a follow-up; removeFromRoleAssignableGroups removes them;
// - the owners of such a group decide who holds its roles: the bot never changes them (owned ones stay, always);
// - changing the credentials or sensitive attributes of their members and owners needs at least a Privileged
//   Authentication Administrator: with the User Administrator role, containment is refused. The approver is warned.
import type { OffboardingOptions } from '../options';
import type { PlanWarning } from '../plan';
import type { GroupInfo, LeaverSnapshot } from '../snapshot';

export const ROLE_ASSIGNABLE_MEMBER_REASON =
  'role-assignable: leaving it needs RoleManagement.ReadWrite.Directory, which lets the app assign itself any directory role, so the bot leaves it unless removeFromRoleAssignableGroups is chosen: a Privileged Role Administrator removes the membership';
export const ROLE_ASSIGNABLE_OWNER_REASON = 'role-assignable: its owners control who holds its directory roles, so the bot never changes them: a Privileged Role Administrator decides who owns it';

/** Why the leaver stays a member of this group, or undefined when the bot may remove them. */
export function roleAssignableMemberReason(g: GroupInfo, options: OffboardingOptions): string | undefined {
  return g.roleAssignable === true && !options.removeFromRoleAssignableGroups ? ROLE_ASSIGNABLE_MEMBER_REASON : undefined;
}

/** Why the leaver stays an owner of this group (always, for a role-assignable one). */
export function roleAssignableOwnerReason(g: GroupInfo): string | undefined {
  return g.roleAssignable === true ? ROLE_ASSIGNABLE_OWNER_REASON : undefined;
}

/** The approver's warning when the leaver is a member or owner of a role-assignable group: containment needs a higher role. */
export function roleAssignableWarning(leaver: LeaverSnapshot): PlanWarning | undefined {
  if (leaver.groups === undefined) {
    // Whether containment can work at all depends on it: the approver must know it was not checked.
    return {
      code: 'role-assignable-groups',
      message: `${leaver.displayName}'s group memberships could not be read, so whether they are in a role-assignable group (containment then needs a Privileged Authentication Administrator) was not checked.`,
    };
  }
  const names = [...new Set([...(leaver.groups ?? []), ...(leaver.ownedGroups ?? [])].filter((g) => g.roleAssignable === true).map((g) => g.displayName))];
  if (names.length === 0) {
    return undefined;
  }
  return {
    code: 'role-assignable-groups',
    message: `${leaver.displayName} is a member or owner of ${names.length === 1 ? 'a role-assignable group' : `${names.length} role-assignable groups`} (${names.join(', ')}): Microsoft Entra lets only a Privileged Authentication Administrator (or Global Administrator) block, reset or delete such an account. With the User Administrator role the app is refused, containment fails and no other step runs.`,
  };
}
