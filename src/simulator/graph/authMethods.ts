// Authentication methods (authenticationMethods-overview, v1.0): list all, list one kind, and the typed DELETEs.
// The password method has no DELETE. Deleting the default method while other methods remain answers 400
// "Cannot delete default method with other methods configured. Please change default method before deletion."
// (the text reported against microsoft-graph-docs); v1.0 cannot tell which method is the default.
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
};
const PASSWORD_TYPE = KINDS.passwordMethods!;

const METHOD: EntityType = {
  name: 'authenticationMethod',
  directory: false,
  properties: ['id', 'createdDateTime', 'password', 'phoneNumber', 'phoneType', 'smsSignInState', 'displayName', 'deviceTag', 'phoneAppVersion', 'aaGuid', 'model', 'attestationCertificates', 'attestationLevel', 'emailAddress', 'secretKey'],
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

function deleteMethod(req: GraphRequest): GraphResult {
  const type = kindOf(req);
  const entry = methodsOf(req);
  if (type === PASSWORD_TYPE) {
    throw new GraphError(405, 'badRequest', 'The password authentication method cannot be deleted.');
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
    .add('DELETE', '/users/:user/authentication/:kind/:id', deleteMethod);
}
