// Authentication methods (authenticationMethods-overview, v1.0): list all, list one kind, and the typed DELETEs.
// The password method has no DELETE. Deleting the default method while other methods remain answers 400
// "Cannot delete default method with other methods configured. Please change default method before deletion."
// (the text reported against microsoft-graph-docs); v1.0 cannot tell which method is the default.
// External methods are deleted through their reference only: DELETE …/externalAuthenticationMethods/{id}/$ref
// (authentication-delete-externalauthenticationmethods). "A user can't have an alternateMobile number without a
// mobile number" (phoneauthenticationmethod-delete): deleting the mobile phone while an alternateMobile remains is
// refused — with 400 badRequest and that sentence; Graph's own text for it is not documented.
import { randomInt, randomUUID } from 'node:crypto';
import { GraphError, graphErrors } from '../errors';
import type { TenantState } from '../state';
import type { AuthMethodRecord, TemporaryAccessPassPolicy, UserAuthMethods, UserRecord } from '../types';
import { bodyObject, contextUrl, noContent, ok, type GraphRequest, type GraphResult } from './context';
import { entityResponse, listResponse, type EntityType } from './collection';
import type { GraphRouter } from './router';
import { requireUser } from './users';

/** URL segment → @odata.type of the methods it holds. */
const KINDS: Record<string, string> = {
  passwordMethods: '#microsoft.graph.passwordAuthenticationMethod',
  phoneMethods: '#microsoft.graph.phoneAuthenticationMethod',
  microsoftAuthenticatorMethods: '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
  fido2Methods: '#microsoft.graph.fido2AuthenticationMethod',
  softwareOathMethods: '#microsoft.graph.softwareOathAuthenticationMethod',
  emailMethods: '#microsoft.graph.emailAuthenticationMethod',
  windowsHelloForBusinessMethods: '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod',
  temporaryAccessPassMethods: '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
  platformCredentialMethods: '#microsoft.graph.platformCredentialAuthenticationMethod',
  externalAuthenticationMethods: '#microsoft.graph.externalAuthenticationMethod',
};
const PASSWORD_TYPE = KINDS.passwordMethods!;
const PHONE_TYPE = KINDS.phoneMethods!;
const EXTERNAL_TYPE = KINDS.externalAuthenticationMethods!;
const TAP_TYPE = KINDS.temporaryAccessPassMethods!;

const METHOD: EntityType = {
  name: 'authenticationMethod',
  directory: false,
  properties: [
    'id', 'createdDateTime', 'password', 'phoneNumber', 'phoneType', 'smsSignInState', 'displayName', 'deviceTag', 'phoneAppVersion', 'aaGuid', 'model',
    'attestationCertificates', 'attestationLevel', 'emailAddress', 'secretKey', 'configurationId', 'startDateTime', 'lifetimeInMinutes', 'isUsableOnce', 'isUsable',
    'methodUsabilityReason',
  ],
};

/**
 * A TAP's isUsable / methodUsabilityReason at read time (temporaryAccessPassAuthenticationMethod: EnabledByPolicy,
 * DisabledByPolicy, Expired, NotYetValid, OneTimeUsed). The stored record never holds the pass itself: only the
 * create answer carries it.
 */
function methodView(state: TenantState, m: AuthMethodRecord): AuthMethodRecord {
  if (m['@odata.type'] !== TAP_TYPE) {
    return { ...m };
  }
  const start = Date.parse(String(m.startDateTime));
  const end = start + Number(m.lifetimeInMinutes) * 60_000;
  const now = state.now();
  const reason = state.tapPolicy().state !== 'enabled' ? 'DisabledByPolicy' : now < start ? 'NotYetValid' : now >= end ? 'Expired' : 'EnabledByPolicy';
  return { ...m, isUsable: reason === 'EnabledByPolicy', methodUsabilityReason: reason };
}

/** The policy's targets apply to the user: in an include target (all_users or a group, nested membership counts) and in no exclude target. */
function tapAppliesTo(state: TenantState, policy: TemporaryAccessPassPolicy, user: UserRecord): boolean {
  const groups = new Set(state.transitiveGroups(user.id).map((g) => g.id.toLowerCase()));
  const included = policy.includeTargets.some((t) => t.id === 'all_users' || groups.has(t.id.toLowerCase()));
  const excluded = policy.excludeTargets.some((t) => groups.has(t.id.toLowerCase()));
  return included && !excluded;
}

/** A pass of `length` characters from the kinds Entra uses (letters, digits, symbols; the docs' sample is "+drkzqAD"). */
function newPass(length: number): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789+-=!@#%&*?';
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}

/**
 * authentication-post-temporaryaccesspassmethods (v1.0; UserAuthenticationMethod.ReadWrite.All). 201 with the pass,
 * once. "A user can only have one Temporary Access Pass [...] the previous Temporary Access Pass will be deleted, and a
 * new Temporary Access Pass will be created": a second create replaces the first. lifetimeInMinutes "Must be between
 * 10 and 43200", within the policy's minimum and maximum (temporaryAccessPassAuthenticationMethodConfiguration); a
 * multi-use pass "can only be created [...] if it is allowed by the [...] policy". What Graph answers when the policy
 * is disabled or does not target the user is not documented: 400 badRequest with a sentence saying so (our choice).
 */
function createTap(req: GraphRequest): GraphResult {
  const user = requireUser(req);
  const entry = methodsOf(req);
  const body = bodyObject(req);
  const allowed = ['@odata.type', 'startDateTime', 'lifetimeInMinutes', 'isUsableOnce'];
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) {
      if (METHOD.properties.includes(k) || k === 'temporaryAccessPass') {
        throw graphErrors.badRequest(`Property '${k}' is read-only and cannot be set.`);
      }
      throw new GraphError(400, 'badRequest', `The property '${k}' does not exist on type 'microsoft.graph.temporaryAccessPassAuthenticationMethod'.`);
    }
  }
  const policy = req.state.tapPolicy();
  if (policy.state !== 'enabled') {
    throw new GraphError(400, 'badRequest', 'The Temporary Access Pass authentication method is disabled by the authentication methods policy.');
  }
  if (!tapAppliesTo(req.state, policy, user)) {
    throw new GraphError(400, 'badRequest', 'The user is not targeted by the Temporary Access Pass authentication methods policy.');
  }
  let lifetime = policy.defaultLifetimeInMinutes;
  if (body.lifetimeInMinutes !== undefined && body.lifetimeInMinutes !== null) {
    if (typeof body.lifetimeInMinutes !== 'number' || !Number.isInteger(body.lifetimeInMinutes)) {
      throw new GraphError(400, 'badRequest', "Invalid value specified for property 'lifetimeInMinutes'.");
    }
    lifetime = body.lifetimeInMinutes;
    if (lifetime < 10 || lifetime > 43200 || lifetime < policy.minimumLifetimeInMinutes || lifetime > policy.maximumLifetimeInMinutes) {
      throw new GraphError(
        400,
        'badRequest',
        `The lifetimeInMinutes ${lifetime} is outside the range the Temporary Access Pass policy allows (${policy.minimumLifetimeInMinutes} to ${policy.maximumLifetimeInMinutes} minutes).`,
      );
    }
  }
  let isUsableOnce = policy.isUsableOnce;
  if (body.isUsableOnce !== undefined && body.isUsableOnce !== null) {
    if (typeof body.isUsableOnce !== 'boolean') {
      throw new GraphError(400, 'badRequest', "Invalid value specified for property 'isUsableOnce'.");
    }
    if (!body.isUsableOnce && policy.isUsableOnce) {
      throw new GraphError(400, 'badRequest', 'The Temporary Access Pass policy allows one-time passes only: isUsableOnce cannot be false.');
    }
    isUsableOnce = body.isUsableOnce;
  }
  const created = req.state.isoNow();
  let start = created;
  if (body.startDateTime !== undefined && body.startDateTime !== null) {
    const t = typeof body.startDateTime === 'string' ? Date.parse(body.startDateTime) : NaN;
    if (Number.isNaN(t)) {
      throw new GraphError(400, 'badRequest', "Invalid value specified for property 'startDateTime'.");
    }
    start = new Date(t).toISOString();
  }
  const pass = newPass(policy.defaultLength);
  const record: AuthMethodRecord = { '@odata.type': TAP_TYPE, id: randomUUID(), createdDateTime: created, startDateTime: start, lifetimeInMinutes: lifetime, isUsableOnce };
  entry.methods = [...entry.methods.filter((m) => m['@odata.type'] !== TAP_TYPE), record];
  req.state.issuedSecrets.push(pass);
  const view = methodView(req.state, record);
  const { '@odata.type': type, id, ...rest } = view;
  return {
    status: 201,
    body: { '@odata.context': contextUrl(req, `users('${user.id}')/authentication/temporaryAccessPassMethods/$entity`), '@odata.type': type, id, temporaryAccessPass: pass, ...rest },
  };
}

function getMethod(req: GraphRequest): GraphResult {
  const type = kindOf(req);
  const id = req.params.id ?? '';
  const method = methodsOf(req).methods.find((m) => m.id === id && m['@odata.type'] === type);
  if (!method) {
    throw new GraphError(404, 'itemNotFound', `The requested authentication method '${id}' was not found.`);
  }
  return entityResponse(req, methodView(req.state, method), METHOD, `users('${req.params.user ?? ''}')/authentication/${req.params.kind ?? ''}`);
}

/** temporaryaccesspassauthenticationmethodconfiguration-get (Policy.Read.AuthenticationMethod). */
function getTapPolicy(req: GraphRequest): GraphResult {
  const p = structuredClone(req.state.tapPolicy());
  return ok({
    '@odata.context': contextUrl(req, 'policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity'),
    '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
    ...p,
  });
}

function methodsOf(req: GraphRequest): UserAuthMethods {
  const user = requireUser(req);
  const entry = req.state.data.authenticationMethods[user.id] ?? { defaultMethodId: null, methods: [] };
  req.state.data.authenticationMethods[user.id] = entry;
  return entry;
}

function kindOf(req: GraphRequest): string {
  const segment = req.params.kind ?? '';
  const type = Object.entries(KINDS).find(([k]) => k.toLowerCase() === segment.toLowerCase())?.[1];
  if (!type) {
    throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
  }
  return type;
}

function deleteMethod(req: GraphRequest, type = kindOf(req)): GraphResult {
  const entry = methodsOf(req);
  if (type === PASSWORD_TYPE) {
    throw new GraphError(405, 'badRequest', 'The password authentication method cannot be deleted.');
  }
  if (type === EXTERNAL_TYPE && req.params.ref === undefined) {
    throw new GraphError(405, 'Request_BadRequest', `The HTTP method '${req.method}' is not allowed for the requested resource.`);
  }
  const id = req.params.id ?? '';
  const method = entry.methods.find((m: AuthMethodRecord) => m.id === id && m['@odata.type'] === type);
  if (!method) {
    throw new GraphError(404, 'itemNotFound', `The requested authentication method '${id}' was not found.`);
  }
  const others = entry.methods.filter((m) => m !== method && m['@odata.type'] !== PASSWORD_TYPE);
  if (entry.defaultMethodId === id && others.length > 0) {
    const message = 'Cannot delete default method with other methods configured. Please change default method before deletion.';
    throw new GraphError(400, 'badRequest', message);
  }
  if (type === PHONE_TYPE && method.phoneType === 'mobile' && others.some((m) => m['@odata.type'] === PHONE_TYPE && m.phoneType === 'alternateMobile')) {
    throw new GraphError(400, 'badRequest', "A user can't have an alternateMobile number without a mobile number.");
  }
  entry.methods = entry.methods.filter((m) => m !== method);
  if (entry.defaultMethodId === id) {
    entry.defaultMethodId = null;
  }
  return noContent();
}

export function registerAuthMethods(router: GraphRouter): void {
  router
    .add('GET', '/users/:user/authentication/methods', (req) => listResponse(req, methodsOf(req).methods.map((m) => methodView(req.state, m)), { type: METHOD, context: 'authenticationMethods' }))
    .add('GET', '/users/:user/authentication/:kind', (req) => {
      const type = kindOf(req);
      return listResponse(req, methodsOf(req).methods.filter((m) => m['@odata.type'] === type).map((m) => methodView(req.state, m)), { type: METHOD, context: req.params.kind ?? '' });
    })
    .add('POST', '/users/:user/authentication/temporaryAccessPassMethods', createTap)
    .add('GET', '/users/:user/authentication/:kind/:id', getMethod)
    .add('GET', '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/:method', (req) => {
      if ((req.params.method ?? '').toLowerCase() !== 'temporaryaccesspass') {
        throw new GraphError(404, 'itemNotFound', `The authentication method configuration '${req.params.method ?? ''}' was not found.`);
      }
      return getTapPolicy(req);
    })
    .add('DELETE', '/users/:user/authentication/:kind/:id', (req) => deleteMethod(req))
    .add('DELETE', '/users/:user/authentication/externalAuthenticationMethods/:id/$ref', (req) => deleteMethod({ ...req, params: { ...req.params, ref: '$ref' } }, EXTERNAL_TYPE));
}
