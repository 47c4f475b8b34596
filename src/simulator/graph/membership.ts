// What a user belongs to and owns: memberOf / transitiveMemberOf (optionally cast to microsoft.graph.group or
// microsoft.graph.directoryRole), ownedObjects, and the read-only actions checkMemberGroups, getMemberGroups,
// checkMemberObjects, getMemberObjects (all transitive, as documented).
import { graphErrors } from '../errors';
import { bodyObject, contextUrl, ok, type GraphRequest, type GraphResult } from './context';
import { listResponse } from './collection';
import type { GraphRouter } from './router';
import { requireUser } from './users';
import { DIRECTORY_OBJECT, DIRECTORY_ROLE, GROUP, groupView, roleView, typed } from './views';

type Relation = 'memberOf' | 'transitiveMemberOf';

function relationResponse(req: GraphRequest, relation: Relation, cast?: 'group' | 'directoryRole'): GraphResult {
  const user = requireUser(req);
  const transitive = relation === 'transitiveMemberOf';
  const groups = (transitive ? req.state.transitiveGroups(user.id) : req.state.directGroups(user.id)).map((g) => typed('group', groupView(g)));
  const roles = (transitive ? req.state.transitiveRoles(user.id) : req.state.directRoles(user.id)).map((r) => typed('directoryRole', roleView(r)));
  // Both pages ask for ConsistencyLevel and $count=true with an OData cast (user-list-memberof,
  // user-list-transitivememberof); ownedObjects' page does not, so its cast stays a default query.
  if (cast === 'group') {
    return listResponse(req, groups, { type: GROUP, context: 'groups', relationship: true, cast: 'microsoft.graph.group' });
  }
  if (cast === 'directoryRole') {
    return listResponse(req, roles, { type: DIRECTORY_ROLE, context: 'directoryRoles', relationship: true, cast: 'microsoft.graph.directoryRole' });
  }
  return listResponse(req, [...groups, ...roles], { type: DIRECTORY_OBJECT, context: 'directoryObjects', relationship: true });
}

function stringArray(req: GraphRequest, name: string, max: number): string[] {
  const value = bodyObject(req)[name];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw graphErrors.badRequest(`One or more parameters of the operation '${req.path.split('/').at(-1)}' are missing from the request payload. The missing parameters are: ${name}.`);
  }
  if (value.length > max) {
    throw graphErrors.badRequest(`The number of ${name} should not exceed ${max}.`);
  }
  return value as string[];
}

function idList(req: GraphRequest, ids: string[]): GraphResult {
  return ok({ '@odata.context': contextUrl(req, 'Collection(Edm.String)'), value: ids });
}

export function registerMembership(router: GraphRouter): void {
  for (const relation of ['memberOf', 'transitiveMemberOf'] as const) {
    router
      .add('GET', `/users/:user/${relation}`, (req) => relationResponse(req, relation))
      .add('GET', `/users/:user/${relation}/microsoft.graph.group`, (req) => relationResponse(req, relation, 'group'))
      .add('GET', `/users/:user/${relation}/microsoft.graph.directoryRole`, (req) => relationResponse(req, relation, 'directoryRole'));
  }
  const owned = (req: GraphRequest): Record<string, unknown>[] => req.state.ownedGroups(requireUser(req).id).map((g) => typed('group', groupView(g)));
  router
    .add('GET', '/users/:user/ownedObjects', (req) => listResponse(req, owned(req), { type: DIRECTORY_OBJECT, context: 'directoryObjects', relationship: true }))
    .add('GET', '/users/:user/ownedObjects/microsoft.graph.group', (req) => listResponse(req, owned(req), { type: GROUP, context: 'groups', relationship: true }))
    .add('POST', '/users/:user/checkMemberGroups', (req) => {
      const user = requireUser(req);
      const wanted = stringArray(req, 'groupIds', 20);
      const mine = new Set(req.state.transitiveGroups(user.id).map((g) => g.id.toLowerCase()));
      return idList(req, wanted.filter((id) => mine.has(id.toLowerCase())));
    })
    .add('POST', '/users/:user/getMemberGroups', (req) => {
      const user = requireUser(req);
      const securityOnly = bodyObject(req).securityEnabledOnly;
      if (typeof securityOnly !== 'boolean') {
        throw graphErrors.badRequest("One or more parameters of the operation 'getMemberGroups' are missing from the request payload. The missing parameters are: securityEnabledOnly.");
      }
      return idList(req, req.state.transitiveGroups(user.id).filter((g) => !securityOnly || g.securityEnabled).map((g) => g.id));
    })
    .add('POST', '/users/:user/checkMemberObjects', (req) => {
      const user = requireUser(req);
      const wanted = stringArray(req, 'ids', 20);
      const mine = new Set([...req.state.transitiveGroups(user.id).map((g) => g.id), ...req.state.transitiveRoles(user.id).map((r) => r.id)].map((s) => s.toLowerCase()));
      return idList(req, wanted.filter((id) => mine.has(id.toLowerCase())));
    })
    .add('POST', '/users/:user/getMemberObjects', (req) => {
      const user = requireUser(req);
      const securityOnly = bodyObject(req).securityEnabledOnly === true;
      const groups = req.state.transitiveGroups(user.id).filter((g) => !securityOnly || g.securityEnabled).map((g) => g.id);
      return idList(req, [...groups, ...req.state.transitiveRoles(user.id).map((r) => r.id)]);
    });
}
