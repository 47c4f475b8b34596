// Delegated permission grants and the service principals they name. /users/{id}/oauth2PermissionGrants lists the
// grants that user consented to (consentType Principal); tenant-wide admin consent (AllPrincipals) is not the user's.
import type { GrantRecord } from '../types';
import { byParam, noContent, type GraphRequest } from './context';
import { entityResponse, listResponse, type EntityType } from './collection';
import type { GraphRouter } from './router';
import { requireUser } from './users';
import { SERVICE_PRINCIPAL, servicePrincipalView } from './views';

const GRANT: EntityType = { name: 'oAuth2PermissionGrant', directory: false, properties: ['id', 'clientId', 'consentType', 'principalId', 'resourceId', 'scope'] };

function view(g: GrantRecord): Record<string, unknown> {
  return { ...g };
}

function requireGrant(req: GraphRequest): GrantRecord {
  return byParam(req, req.state.data.oauth2PermissionGrants);
}

export function registerGrants(router: GraphRouter): void {
  router
    .add('GET', '/users/:user/oauth2PermissionGrants', (req) => {
      const user = requireUser(req);
      const items = req.state.data.oauth2PermissionGrants.filter((g) => g.consentType === 'Principal' && g.principalId === user.id).map(view);
      return listResponse(req, items, { type: GRANT, context: 'oauth2PermissionGrants' });
    })
    .add('GET', '/oauth2PermissionGrants', (req) => listResponse(req, req.state.data.oauth2PermissionGrants.map(view), { type: GRANT, context: 'oauth2PermissionGrants' }))
    .add('GET', '/oauth2PermissionGrants/:id', (req) => entityResponse(req, view(requireGrant(req)), GRANT, 'oauth2PermissionGrants'))
    .add('DELETE', '/oauth2PermissionGrants/:id', (req) => {
      const grant = requireGrant(req);
      req.state.data.oauth2PermissionGrants = req.state.data.oauth2PermissionGrants.filter((g) => g !== grant);
      return noContent();
    })
    .add('GET', '/servicePrincipals/:id', (req) => {
      const sp = byParam(req, req.state.data.servicePrincipals);
      return entityResponse(req, servicePrincipalView(sp), SERVICE_PRINCIPAL, 'servicePrincipals');
    });
}
