// Administrative units and directory role assignments (the unified RBAC API), enough for the bot's two reads:
// `GET /directory/administrativeUnits/{id}/members/{id}` (administrativeunit-get-members: is the leaver in
// OFFBOARDABLE_UNIT_ID? 404 when not) and `GET /roleManagement/directory/roleAssignments?$filter=principalId eq '{id}'`
// (rbacapplication-list-roleassignments: the doctor's report of the app's Entra roles and their scopes).
import { graphErrors } from '../errors';
import type { AdministrativeUnitRecord } from '../types';
import { byParam, type GraphRequest } from './context';
import { entityResponse, listResponse, type EntityType } from './collection';
import type { GraphRouter } from './router';
import { USER, userView } from './views';

const ADMINISTRATIVE_UNIT: EntityType = { name: 'administrativeUnit', directory: true, properties: ['id', 'displayName', 'description', 'visibility'] };
const ROLE_ASSIGNMENT: EntityType = { name: 'unifiedRoleAssignment', directory: false, properties: ['id', 'principalId', 'roleDefinitionId', 'directoryScopeId', 'appScopeId'] };

function unitView(u: AdministrativeUnitRecord): Record<string, unknown> {
  return { id: u.id, displayName: u.displayName, description: u.description, visibility: u.visibility };
}

function requireUnit(req: GraphRequest): AdministrativeUnitRecord {
  return byParam(req, req.state.data.administrativeUnits ?? [], 'unit');
}

export function registerAdminUnits(router: GraphRouter): void {
  router
    .add('GET', '/directory/administrativeUnits', (req) => listResponse(req, (req.state.data.administrativeUnits ?? []).map(unitView), { type: ADMINISTRATIVE_UNIT, context: 'directory/administrativeUnits' }))
    .add('GET', '/directory/administrativeUnits/:unit', (req) => entityResponse(req, unitView(requireUnit(req)), ADMINISTRATIVE_UNIT, 'directory/administrativeUnits'))
    .add('GET', '/directory/administrativeUnits/:unit/members', (req) => {
      const unit = requireUnit(req);
      const users = unit.members.map((id) => req.state.findUser(id)).filter((u) => u !== undefined).map((u) => ({ '@odata.type': '#microsoft.graph.user', ...userView(req.state, u) }));
      return listResponse(req, users, { type: USER, context: 'directoryObjects', relationship: true });
    })
    .add('GET', '/directory/administrativeUnits/:unit/members/:member', (req) => {
      const unit = requireUnit(req);
      const id = req.params.member ?? '';
      const user = unit.members.includes(id) ? req.state.findUser(id) : undefined;
      if (!user) {
        throw graphErrors.notFound(id);
      }
      return entityResponse(req, { '@odata.type': '#microsoft.graph.user', ...userView(req.state, user) }, USER, 'directoryObjects');
    })
    .add('GET', '/roleManagement/directory/roleAssignments', (req) => {
      // $filter (principalId eq '...') goes through the same OData evaluator as every other list.
      const items = (req.state.data.roleAssignments ?? []).map((a) => ({ ...a, appScopeId: null }));
      return listResponse(req, items, { type: ROLE_ASSIGNMENT, context: 'roleManagement/directory/roleAssignments' });
    });
}
