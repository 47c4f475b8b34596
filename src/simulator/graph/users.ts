// Users: find (list with $filter/$search), get, update (account, password), manager, revokeSignInSessions, delete
// and restore (directory/deletedItems), and the tenant's organization object.
import { GraphError, graphErrors } from '../errors';
import type { TenantState } from '../state';
import type { UserRecord } from '../types';
import { bodyObject, contextUrl, noContent, ok, type GraphRequest } from './context';
import { entityResponse, listResponse } from './collection';
import type { GraphRouter } from './router';
import { evaluateFilter, filterProperties, parseFilter, project } from '../odata';
import { asText } from '../text';
import { typed, USER, userView } from './views';

/** A deleted user shows when it was deleted even without $select. */
const DELETED_USER = { ...USER, defaults: [...(USER.defaults ?? []), 'deletedDateTime'] };

export function requireUser(req: GraphRequest, param = 'user'): UserRecord {
  const key = req.params[param] ?? '';
  const user = req.state.findUser(key);
  if (!user) {
    throw graphErrors.notFound(key);
  }
  return user;
}

/** Properties an app may PATCH on a user in v1.0 (user-update). Anything else read-only or unknown is refused. */
const UPDATABLE = new Set([
  'accountEnabled', 'passwordProfile', 'displayName', 'givenName', 'surname', 'jobTitle', 'department', 'companyName', 'officeLocation',
  'city', 'country', 'employeeId', 'mobilePhone', 'businessPhones', 'preferredLanguage', 'usageLocation', 'mailNickname', 'userPrincipalName',
  'otherMails', 'employeeHireDate', 'employeeType', 'ageGroup', 'faxNumber', 'postalCode', 'state', 'streetAddress', 'passwordPolicies',
  'showInAddressList', 'mail',
]);
/** Cloud-editable even when the user is synced from on-premises AD. */
const CLOUD_MASTERED = new Set(['usageLocation', 'preferredLanguage', 'employeeHireDate']);

/**
 * Entra's default password policy: 8-256 characters and three of lower case, upper case, digits, symbols
 * ("Password policies and account restrictions in Microsoft Entra ID").
 */
function isComplex(password: string): boolean {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  return password.length >= 8 && password.length <= 256 && classes >= 3;
}

function patchUser(req: GraphRequest): ReturnType<typeof noContent> {
  const user = requireUser(req);
  const body = bodyObject(req);
  const keys = Object.keys(body);
  for (const k of keys) {
    if (!UPDATABLE.has(k)) {
      if (USER.properties.includes(k)) {
        throw graphErrors.badRequest(`Property '${k}' is read-only and cannot be set.`);
      }
      throw graphErrors.badRequest(`Property '${k}' does not exist as a declared property or extension property.`);
    }
  }
  if (user.onPremisesSyncEnabled && keys.some((k) => !CLOUD_MASTERED.has(k))) {
    throw graphErrors.onPremisesMastered();
  }
  if ((keys.includes('accountEnabled') || keys.includes('passwordProfile')) && req.state.isBeyondUserAdministrator(user.id)) {
    throw graphErrors.insufficientPrivileges();
  }
  if ('accountEnabled' in body && typeof body.accountEnabled !== 'boolean') {
    throw graphErrors.badRequest("Invalid value specified for property 'accountEnabled' of resource 'User'.");
  }
  if ('passwordProfile' in body) {
    const profile = body.passwordProfile as { password?: unknown; forceChangePasswordNextSignIn?: unknown } | null;
    if (!profile || typeof profile.password !== 'string') {
      throw graphErrors.badRequest("Invalid value specified for property 'passwordProfile' of resource 'User'.");
    }
    if (!isComplex(profile.password)) {
      throw graphErrors.badRequest('The specified password does not comply with password complexity requirements. Please provide a different password.');
    }
    if (req.state.failPasswordResets > 0) {
      req.state.failPasswordResets -= 1;
      throw graphErrors.insufficientPrivileges();
    }
    user.lastPasswordChangeDateTime = req.state.isoNow();
    req.state.count(req.state.actions.passwordResets, user.id);
  }
  const record = user as unknown as Record<string, unknown>;
  for (const k of keys) {
    if (k !== 'passwordProfile') {
      record[k] = body[k];
    }
  }
  return noContent();
}

/**
 * $expand=manager, optionally with a nested $select (user-list-manager: "GET /users/{id}?$expand=manager"). Any
 * other expansion is refused as Graph refuses an unknown navigation property.
 */
function expandManager(req: GraphRequest): ((full: Record<string, unknown>, shaped: Record<string, unknown>) => Record<string, unknown>) | undefined {
  const expand = req.query.get('$expand');
  if (expand === null || expand.trim() === '') {
    return undefined;
  }
  const m = /^manager(?:\(\$select=([^)]*)\))?$/i.exec(expand.trim());
  if (!m) {
    throw graphErrors.noProperty(expand.split('(')[0]!.trim(), 'user');
  }
  const fields = m[1]?.split(',').map((f) => f.trim()).filter((f) => f !== '') ?? USER.defaults!;
  for (const f of fields) {
    if (!USER.properties.includes(f)) {
      throw graphErrors.noProperty(f, 'user');
    }
  }
  return (full, shaped) => {
    const user = req.state.findUser(asText(full.id));
    const manager = user?.managerId ? req.state.findUser(user.managerId) : undefined;
    return manager ? { ...shaped, manager: project(typed('user', userView(req.state, manager)), [...fields]) } : shaped;
  };
}

/**
 * A deleted user of the last 30 days ("A recently deleted item remains available for up to 30 days. After 30 days,
 * the item is permanently deleted.": directory-deleteditems-get / -restore); older ones answer 404 as unknown ids do.
 */
function deletedItem(req: GraphRequest): { user: UserRecord; deletedDateTime: string } {
  req.state.purgeExpiredDeletions();
  const id = req.params.id ?? '';
  const deleted = req.state.deletedUsers.get(id);
  if (!deleted) {
    throw graphErrors.notFound(id);
  }
  return deleted;
}

function organization(state: TenantState): Record<string, unknown> {
  const t = state.data.tenant;
  return {
    id: t.id,
    displayName: t.displayName,
    tenantType: 'AAD',
    countryLetterCode: 'GB',
    preferredLanguage: 'en',
    onPremisesSyncEnabled: true,
    verifiedDomains: t.verifiedDomains.map((name, i) => ({
      capabilities: 'Email, OfficeCommunicationsOnline',
      isDefault: i === 0,
      isInitial: name === t.initialDomain,
      name,
      type: 'Managed',
    })),
  };
}

export function registerUsers(router: GraphRouter): void {
  router
    .add('GET', '/users', (req) => listResponse(req, candidates(req).map((u) => userView(req.state, u)), { type: USER, context: 'users', decorate: expandManager(req) }))
    .add('GET', '/users/:user', (req) => entityResponse(req, userView(req.state, requireUser(req)), USER, 'users', expandManager(req)))
    .add('PATCH', '/users/:user', patchUser)
    .add('DELETE', '/users/:user', (req) => {
      const user = requireUser(req);
      // A synced user is deleted in on-premises AD (or leaves the sync scope); Entra refuses it in the cloud. The text
      // Graph answers is the on-premises-mastered one here (unverified for DELETE).
      if (user.onPremisesSyncEnabled) {
        throw graphErrors.onPremisesMastered();
      }
      if (req.state.isBeyondUserAdministrator(user.id)) {
        throw graphErrors.insufficientPrivileges();
      }
      req.state.deleteUser(user);
      return noContent();
    })
    .add('GET', '/users/:user/manager', (req) => {
      const user = requireUser(req);
      const manager = user.managerId === null ? undefined : req.state.findUser(user.managerId);
      if (!manager) {
        throw graphErrors.notFound('manager');
      }
      const res = entityResponse(req, typed('user', userView(req.state, manager)), USER, 'directoryObjects');
      return res;
    })
    .add('POST', '/users/:user/revokeSignInSessions', (req) => {
      const user = requireUser(req);
      user.signInSessionsValidFromDateTime = req.state.isoNow();
      req.state.count(req.state.actions.revokeSignInSessions, user.id);
      return ok({ '@odata.context': contextUrl(req, 'Edm.Boolean'), value: true });
    })
    .add('GET', '/directory/deletedItems/microsoft.graph.user', (req) => {
      req.state.purgeExpiredDeletions();
      return listResponse(
        req,
        [...req.state.deletedUsers.values()].map((d) => ({ ...typed('user', userView(req.state, d.user)), deletedDateTime: d.deletedDateTime })),
        { type: DELETED_USER, context: 'directory/deletedItems/microsoft.graph.user' },
      );
    })
    .add('GET', '/directory/deletedItems/:id', (req) => {
      const d = deletedItem(req);
      return entityResponse(req, { ...typed('user', userView(req.state, d.user)), deletedDateTime: d.deletedDateTime }, DELETED_USER, 'directory/deletedItems');
    })
    // directory-deleteditems-restore (User.DeleteRestore.All, app-only; tokens are not checked here): 200 with the
    // restored object. A user whose userPrincipalName another user took meanwhile cannot be restored as it is (the
    // beta action's newUserPrincipalName / autoReconcileProxyConflict exist for that): 400 with the conflict. A user
    // the app (User Administrator) could not delete, a holder of a higher role, is refused as the delete is.
    .add('POST', '/directory/deletedItems/:id/restore', (req) => {
      const d = deletedItem(req);
      if (req.state.findUser(d.user.userPrincipalName)) {
        throw new GraphError(400, 'Request_BadRequest', `Another object with the same value for property userPrincipalName already exists.`);
      }
      if (!req.state.appGrants.privilegedAuthenticationAdministrator && req.state.deletedUsers.get(d.user.id)!.roles.some((r) => req.state.isRoleBeyondUserAdministrator(r))) {
        throw graphErrors.insufficientPrivileges();
      }
      const user = req.state.restoreUser(d.user.id)!;
      return ok({ '@odata.context': contextUrl(req, 'directoryObjects/$entity'), ...typed('user', userView(req.state, user)) });
    })
    .add('GET', '/organization', (req) => ok({ '@odata.context': contextUrl(req, 'organization'), value: [organization(req.state)] }));
}

/** Properties a user record holds exactly as Graph shows them (no computed licence or plan data). */
const RAW_USER_PROPERTIES = new Set(['id', 'displayName', 'givenName', 'surname', 'userPrincipalName', 'mail', 'mailNickname', 'jobTitle', 'department', 'accountEnabled', 'userType', 'employeeId', 'city', 'country', 'onPremisesSyncEnabled']);

/**
 * Speed only, not semantics: when $filter reads raw properties alone, drop non-matching users before building their
 * (costly) views. listResponse still applies the filter, and reports any error in it, as before.
 */
function candidates(req: GraphRequest): UserRecord[] {
  const users = req.state.data.users;
  const filter = req.query.get('$filter');
  if (filter === null) {
    return users;
  }
  try {
    const node = parseFilter(filter);
    if (!filterProperties(node).every((p) => RAW_USER_PROPERTIES.has(p))) {
      return users;
    }
    return users.filter((u) => evaluateFilter(node, u));
  } catch {
    return users;
  }
}
