// Reading the leaver's groups again when the preflight couldn't (readAtRun), shared by the group steps.
import type { GraphPort } from '../../m365/ports';
import type { Target } from '../plan';
import { enc } from './context';

export interface GraphGroup {
  id: string;
  displayName: string;
  groupTypes?: string[];
  mailEnabled?: boolean;
  securityEnabled?: boolean;
  onPremisesSyncEnabled?: boolean | null;
  mail?: string | null;
  resourceProvisioningOptions?: string[] | null;
  isAssignableToRole?: boolean | null;
}

const SELECT = '$select=id,displayName,groupTypes,mailEnabled,securityEnabled,onPremisesSyncEnabled,mail,resourceProvisioningOptions,isAssignableToRole';

export type Removal = 'graph' | 'exchange' | 'none';

/**
 * Dynamic and on-premises groups can't be changed here, nor role-assignable ones unless `roleAssignable` (the
 * removeFromRoleAssignableGroups option; never for owners: planner/role-assignable.ts); mail-enabled groups only
 * through Exchange.
 */
export function removalRoute(g: GraphGroup, roleAssignable = false): Removal {
  if (g.groupTypes?.includes('DynamicMembership') || g.onPremisesSyncEnabled === true || (g.isAssignableToRole === true && !roleAssignable)) {
    return 'none';
  }
  if (g.mailEnabled && !g.groupTypes?.includes('Unified')) {
    return 'exchange';
  }
  return 'graph';
}

export async function readMemberships(graph: GraphPort, userId: string, route: Removal, exclude: Set<string> = new Set(), roleAssignable = false): Promise<Target[]> {
  const groups = await graph.list<GraphGroup>(`/users/${enc(userId)}/memberOf/microsoft.graph.group?${SELECT}`);
  return groups.filter((g) => removalRoute(g, roleAssignable) === route && !exclude.has(g.id)).map((g) => ({ id: g.id, label: g.displayName, data: { mail: g.mail ?? null } }));
}

export async function readOwnerships(graph: GraphPort, userId: string): Promise<Target[]> {
  const groups = await graph.list<GraphGroup>(`/users/${enc(userId)}/ownedObjects/microsoft.graph.group?${SELECT}`);
  // team / dynamic as the plan's targets carry them: a new owner of a group with a team is made a member too.
  return groups
    .filter((g) => removalRoute(g) === 'graph')
    .map((g) => ({ id: g.id, label: g.displayName, data: { team: g.resourceProvisioningOptions?.includes('Team') ?? false, dynamic: g.groupTypes?.includes('DynamicMembership') ?? false } }));
}
