// Who may do what, from Entra group membership: operators start offboardings, approvers stand in for a missing
// manager, protected people can't be offboarded. Transitive (nested groups count), read with the read-only action
// checkMemberGroups (https://learn.microsoft.com/graph/api/directoryobject-checkmembergroups).
import type { GroupSettings } from '../config';
import type { GraphPort } from '../m365/ports';

export class AccessPolicy {
  constructor(
    private readonly graph: GraphPort,
    readonly groups: GroupSettings,
  ) {}

  /** The subset of `groupIds` the user belongs to, directly or through nested groups. */
  async memberOf(userId: string, groupIds: string[]): Promise<Set<string>> {
    const res = await this.graph.call<{ value: string[] }>({ method: 'POST', url: `/users/${encodeURIComponent(userId)}/checkMemberGroups`, body: { groupIds } });
    return new Set(res.body.value);
  }

  async isOperator(userId: string): Promise<boolean> {
    return (await this.memberOf(userId, [this.groups.operatorsGroupId])).has(this.groups.operatorsGroupId);
  }

  async isProtected(userId: string): Promise<boolean> {
    return (await this.memberOf(userId, [this.groups.protectedGroupId])).has(this.groups.protectedGroupId);
  }
}
