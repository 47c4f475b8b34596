// Authentication methods (authenticationMethods-overview, v1.0): list all, list one kind, and the typed DELETEs.
// The password method has no DELETE. Deleting the default method while other methods remain answers 400
// "Cannot delete default method with other methods configured. Please change default method before deletion."
// (the text reported against microsoft-graph-docs); v1.0 cannot tell which method is the default.
// External methods are deleted through their reference only: DELETE …/externalAuthenticationMethods/{id}/$ref
// (authentication-delete-externalauthenticationmethods). "A user can't have an alternateMobile number without a
// mobile number" (phoneauthenticationmethod-delete): deleting the mobile phone while an alternateMobile remains is
// refused — with 400 badRequest and that sentence; Graph's own text for it is not documented.
import { GraphError } from '../errors';
import type { AuthMethodRecord, UserAuthMethods } from '../types';
import { noContent, type GraphRequest, type GraphResult } from './context';
import { listResponse, type EntityType } from './collection';
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

const METHOD: EntityType = {
  name: 'authenticationMethod',
  directory: false,
  properties: ['id', 'createdDateTime', 'password', 'phoneNumber', 'phoneType', 'smsSignInState', 'displayName', 'deviceTag', 'phoneAppVersion', 'aaGuid', 'model', 'attestationCertificates', 'attestationLevel', 'emailAddress', 'secretKey', 'configurationId'],
};

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
    .add('GET', '/users/:user/authentication/methods', (req) => listResponse(req, methodsOf(req).methods.map((m) => ({ ...m })), { type: METHOD, context: 'authenticationMethods' }))
    .add('GET', '/users/:user/authentication/:kind', (req) => {
      const type = kindOf(req);
      return listResponse(req, methodsOf(req).methods.filter((m) => m['@odata.type'] === type).map((m) => ({ ...m })), { type: METHOD, context: req.params.kind ?? '' });
    })
    .add('DELETE', '/users/:user/authentication/:kind/:id', (req) => deleteMethod(req))
    .add('DELETE', '/users/:user/authentication/externalAuthenticationMethods/:id/$ref', (req) => deleteMethod({ ...req, params: { ...req.params, ref: '$ref' } }, EXTERNAL_TYPE));
}
