// Groups: read, members and owners, and the writes on them with Graph's refusals:
// - dynamic groups: "You can't remove a member from groups with dynamic memberships" (group-delete-members);
// - groups synced from on-premises AD: the on-premises-mastered error;
// - mail-enabled security groups and distribution lists: "Cannot Update a mail-enabled security groups and or
//   distribution list." (Graph can only manage security and Microsoft 365 groups: groups-overview);
// - role-assignable groups' members, without RoleManagement.ReadWrite.Directory (group-delete-members): 403;
// - the last owner: "The group must have at least one owner, hence this owner cannot be removed." (group-delete-owners;
//   "Once owners are assigned to a group, the last owner of the group can not be removed").
import { GraphError, graphErrors } from '../errors';
import type { AppGrants } from '../state';
import type { GroupRecord } from '../types';
import { bodyObject, noContent, type GraphRequest, type GraphResult } from './context';
import { entityResponse, listResponse } from './collection';
import type { GraphRouter } from './router';
import { DIRECTORY_OBJECT, GROUP, groupView, typed, USER, userView } from './views';

function requireGroup(req: GraphRequest): GroupRecord {
  const id = req.params.group ?? '';
  const group = req.state.findGroup(id);
  if (!group) {
    throw graphErrors.notFound(id);
  }
  return group;
}

export function isDynamic(g: GroupRecord): boolean {
  return g.groupTypes.includes('DynamicMembership');
}

/** Mail-enabled but not a Microsoft 365 group: a distribution list or a mail-enabled security group (Exchange-mastered). */
export function isExchangeMastered(g: GroupRecord): boolean {
  return g.mailEnabled && !g.groupTypes.includes('Unified');
}

function refuseUnmanageable(g: GroupRecord, members: boolean, grants: AppGrants): void {
  if (members && g.isAssignableToRole === true && !grants.roleManagementWrite) {
    // group-delete-members: "To remove members from a role-assignable group, the calling user must also be assigned the
    // RoleManagement.ReadWrite.Directory permission"; groups-concept: "The Group.ReadWrite.All permission won't work."
    throw graphErrors.insufficientPrivileges();
  }
  if (members && isDynamic(g)) {
    // The status is Graph's; the exact text is not documented, so this one paraphrases the doc sentence.
    throw graphErrors.badRequest("You can't add or remove members of a group with dynamic memberships.");
  }
  if (g.onPremisesSyncEnabled) {
    throw graphErrors.onPremisesMastered();
  }
  if (isExchangeMastered(g)) {
    throw graphErrors.badRequest('Cannot Update a mail-enabled security groups and or distribution list.');
  }
}

/** The object id in `{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/{id}"}`. */
function referencedId(req: GraphRequest): string {
  const ref = bodyObject(req)['@odata.id'];
  if (typeof ref !== 'string' || ref.trim() === '') {
    throw graphErrors.badRequest("Invalid OData reference: the request body must contain '@odata.id'.");
  }
  const last = ref.replace(/\/+$/, '').split('/').at(-1) ?? '';
  const m = /^directoryObjects\('([^']+)'\)$|^users\('([^']+)'\)$/.exec(last);
  return m ? (m[1] ?? m[2]!) : last;
}

function requireObject(req: GraphRequest, id: string): void {
  if (!req.state.objectKind(id)) {
    throw graphErrors.notFound(id);
  }
}

function memberViews(req: GraphRequest, ids: string[]): Record<string, unknown>[] {
  return ids.flatMap((id) => {
    const user = req.state.findUser(id);
    if (user) {
      return [typed('user', userView(req.state, user))];
    }
    const group = req.state.findGroup(id);
    return group ? [typed('group', groupView(group))] : [];
  });
}

function addReference(req: GraphRequest, relation: 'members' | 'owners'): GraphResult {
  const group = requireGroup(req);
  const id = referencedId(req);
  requireObject(req, id);
  refuseUnmanageable(group, relation === 'members', req.state.appGrants);
  if (group[relation].includes(id)) {
    throw graphErrors.badRequest(`One or more added object references already exist for the following modified properties: '${relation}'.`);
  }
  group[relation].push(id);
  if (relation === 'owners' && group.resourceProvisioningOptions.includes('Team')) {
    req.state.teamOwnersAdded.add(`${group.id} ${id}`); // reported while they are not a member too
  }
  return noContent();
}

function removeReference(req: GraphRequest, relation: 'members' | 'owners'): GraphResult {
  const group = requireGroup(req);
  const id = req.params.member ?? '';
  requireObject(req, id);
  refuseUnmanageable(group, relation === 'members', req.state.appGrants);
  if (!group[relation].includes(id)) {
    throw graphErrors.notFound(id);
  }
  if (relation === 'owners' && group.owners.length === 1) {
    throw new GraphError(400, 'Request_BadRequest', 'The group must have at least one owner, hence this owner cannot be removed.');
  }
  group[relation] = group[relation].filter((m) => m !== id);
  if (relation === 'members' && group.assignedLicenses.length > 0) {
    req.state.evaluateConsequences(id, `removed from licence-assigning group '${group.displayName}'`);
  }
  return noContent();
}

const usersOnly = (views: Record<string, unknown>[]): Record<string, unknown>[] => views.filter((m) => m['@odata.type'] === '#microsoft.graph.user');

function transitiveMembers(req: GraphRequest, group: GroupRecord): string[] {
  const out = new Set<string>();
  const queue = [...group.members];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (out.has(id)) {
      continue;
    }
    out.add(id);
    queue.push(...(req.state.findGroup(id)?.members ?? []));
  }
  return [...out];
}

export function registerGroups(router: GraphRouter): void {
  router
    .add('GET', '/groups', (req) => listResponse(req, req.state.data.groups.map(groupView), { type: GROUP, context: 'groups' }))
    .add('GET', '/groups/:group', (req) => entityResponse(req, groupView(requireGroup(req)), GROUP, 'groups'))
    .add('GET', '/groups/:group/members', (req) => listResponse(req, memberViews(req, requireGroup(req).members), { type: DIRECTORY_OBJECT, context: 'directoryObjects', relationship: true }))
    .add('GET', '/groups/:group/members/microsoft.graph.user', (req) => listResponse(req, usersOnly(memberViews(req, requireGroup(req).members)), { type: USER, context: 'users', relationship: true }))
    .add('GET', '/groups/:group/transitiveMembers', (req) =>
      listResponse(req, memberViews(req, transitiveMembers(req, requireGroup(req))), { type: DIRECTORY_OBJECT, context: 'directoryObjects', relationship: true }),
    )
    // OData cast on transitive members (https://learn.microsoft.com/graph/api/group-list-transitivemembers): nested
    // users; "To filter the results on the OData type [...] you must use the advanced query parameters".
    .add('GET', '/groups/:group/transitiveMembers/microsoft.graph.user', (req) =>
      listResponse(req, usersOnly(memberViews(req, transitiveMembers(req, requireGroup(req)))), { type: USER, context: 'users', relationship: true, cast: 'microsoft.graph.user' }),
    )
    .add('GET', '/groups/:group/owners', (req) => listResponse(req, memberViews(req, requireGroup(req).owners), { type: DIRECTORY_OBJECT, context: 'directoryObjects', relationship: true }))
    .add('POST', '/groups/:group/members/$ref', (req) => addReference(req, 'members'))
    .add('DELETE', '/groups/:group/members/:member/$ref', (req) => removeReference(req, 'members'))
    .add('POST', '/groups/:group/owners/$ref', (req) => addReference(req, 'owners'))
    .add('DELETE', '/groups/:group/owners/:member/$ref', (req) => removeReference(req, 'owners'));
}
