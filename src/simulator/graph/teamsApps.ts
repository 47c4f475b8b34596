// Teams apps: the org catalog (GET /appCatalogs/teamsApps, whose id differs from the manifest id held in
// externalId), and apps installed in a user's personal scope (userteamwork-list-installedapps,
// userteamwork-post-installedapps: 201 with no body; an app already installed answers 409).
import { GraphError, graphErrors } from '../errors';
import type { TeamsAppRecord } from '../types';
import { bodyObject, contextUrl, noContent, ok, type GraphRequest, type GraphResult } from './context';
import { listResponse, type EntityType } from './collection';
import type { GraphRouter } from './router';
import { requireUser } from './users';

function appView(app: TeamsAppRecord): Record<string, unknown> {
  return { id: app.id, externalId: app.externalId, displayName: app.displayName, distributionMethod: app.distributionMethod };
}

function definitionView(app: TeamsAppRecord): Record<string, unknown> {
  return {
    id: app.appDefinitionId,
    teamsAppId: app.id,
    displayName: app.displayName,
    version: app.version,
    publishingState: 'published',
    shortDescription: app.displayName,
    description: app.displayName,
    lastModifiedDateTime: null,
    createdBy: null,
  };
}

function expansions(req: GraphRequest): Set<string> {
  return new Set((req.query.get('$expand') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''));
}

const TEAMS_APP: EntityType = { name: 'teamsApp', directory: false, properties: ['id', 'externalId', 'displayName', 'distributionMethod', 'appDefinitions'] };
const INSTALLATION: EntityType = { name: 'userScopeTeamsAppInstallation', directory: false, properties: ['id', 'teamsApp', 'teamsAppDefinition'] };

function catalog(req: GraphRequest): GraphResult {
  const expand = expansions(req);
  for (const e of expand) {
    if (e !== 'appDefinitions') {
      throw graphErrors.badRequest(`Could not find a property named '${e}' on type 'microsoft.graph.teamsApp'.`);
    }
  }
  const items = req.state.data.teamsApps.map((a) => ({ ...appView(a), appDefinitions: [definitionView(a)] }));
  const res = listResponse(req, items, { type: TEAMS_APP, context: 'appCatalogs/teamsApps' });
  if (!expand.has('appDefinitions')) {
    const body = res.body as { value: Record<string, unknown>[] };
    body.value = body.value.map(({ appDefinitions: _d, ...rest }) => rest);
  }
  return res;
}

function installations(req: GraphRequest): GraphResult {
  const user = requireUser(req);
  const expand = expansions(req);
  for (const e of expand) {
    if (e !== 'teamsApp' && e !== 'teamsAppDefinition') {
      throw graphErrors.badRequest(`Could not find a property named '${e}' on type 'microsoft.graph.userScopeTeamsAppInstallation'.`);
    }
  }
  const items = (req.state.data.installedApps[user.id] ?? []).flatMap((i) => {
    const app = req.state.data.teamsApps.find((a) => a.id === i.teamsAppId);
    return app ? [{ id: i.id, teamsApp: appView(app), teamsAppDefinition: definitionView(app) }] : [];
  });
  const res = listResponse(req, items, { type: INSTALLATION, context: `users('${user.id}')/teamwork/installedApps` });
  const body = res.body as { value: Record<string, unknown>[] };
  body.value = body.value.map((v) => Object.fromEntries(Object.entries(v).filter(([k]) => k === 'id' || expand.has(k))));
  return res;
}

function install(req: GraphRequest): GraphResult {
  const user = requireUser(req);
  const bind = bodyObject(req)['teamsApp@odata.bind'];
  const m = typeof bind === 'string' ? /appCatalogs\/teamsApps\/([^/?]+)$/i.exec(bind) : null;
  if (!m) {
    throw new GraphError(400, 'BadRequest', "The request body must bind 'teamsApp@odata.bind' to an app in appCatalogs/teamsApps.");
  }
  const app = req.state.data.teamsApps.find((a) => a.id === m[1]);
  if (!app) {
    throw new GraphError(404, 'NotFound', `App with id '${m[1]!}' was not found in the app catalog.`);
  }
  const installed = (req.state.data.installedApps[user.id] ??= []);
  if (installed.some((i) => i.teamsAppId === app.id)) {
    throw new GraphError(409, 'Conflict', `App '${app.id}' is already installed for user '${user.id}'.`);
  }
  installed.push({ id: Buffer.from(`${user.id}##${app.id}`).toString('base64url'), teamsAppId: app.id });
  return { status: 201 };
}

function installation(req: GraphRequest): { userId: string; id: string; teamsAppId: string } {
  const user = requireUser(req);
  const found = (req.state.data.installedApps[user.id] ?? []).find((i) => i.id === req.params.id);
  if (!found) {
    throw new GraphError(404, 'NotFound', `Installation '${req.params.id ?? ''}' was not found.`);
  }
  return { userId: user.id, ...found };
}

export function registerTeamsApps(router: GraphRouter): void {
  router
    .add('GET', '/appCatalogs/teamsApps', catalog)
    .add('GET', '/users/:user/teamwork/installedApps', installations)
    .add('POST', '/users/:user/teamwork/installedApps', install)
    .add('GET', '/users/:user/teamwork/installedApps/:id', (req) => {
      const i = installation(req);
      return ok({ '@odata.context': contextUrl(req, `users('${i.userId}')/teamwork/installedApps/$entity`), id: i.id });
    })
    .add('GET', '/users/:user/teamwork/installedApps/:id/chat', (req) => {
      const i = installation(req);
      // chat of a personal-scope installation (userscopeteamsappinstallation-get-chat): the 1:1 chat with the bot.
      return ok({ '@odata.context': contextUrl(req, 'chats/$entity'), id: `19:${i.userId}_${i.teamsAppId}@unq.gbl.spaces`, chatType: 'oneOnOne', topic: null });
    })
    .add('DELETE', '/users/:user/teamwork/installedApps/:id', (req) => {
      const i = installation(req);
      req.state.data.installedApps[i.userId] = (req.state.data.installedApps[i.userId] ?? []).filter((x) => x.id !== i.id);
      return noContent();
    });
}
