// Directory lookups for the conversation: finding the leaver from what IT typed, their manager, the approvers group,
// and installing the app for an approver who lacks it (the one write allowed before approval, DOMAIN.md §1).
import { M365Error } from '../m365/errors';
import { GRAPH_REFERENCE_ROOT } from '../m365/graph';
import type { GraphPort } from '../m365/ports';
import type { PersonRef } from './snapshot';
import { TimeZoneReader } from './time-zones';

export interface DirectoryUser extends PersonRef {
  jobTitle?: string;
  department?: string;
}

const SELECT = '$select=id,displayName,userPrincipalName,mail,accountEnabled,jobTitle,department';
/** At most this many candidates are listed; more means "be more specific". */
export const MAX_CANDIDATES = 10;

/** OData string literal: single quotes doubled (https://learn.microsoft.com/graph/query-parameters#escaping-single-quotes). */
const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

function toUser(u: Partial<DirectoryUser> & { id: string }): DirectoryUser {
  return {
    id: u.id,
    displayName: u.displayName ?? u.userPrincipalName ?? u.id,
    userPrincipalName: u.userPrincipalName ?? '',
    ...(u.mail ? { mail: u.mail } : {}),
    accountEnabled: u.accountEnabled !== false,
    ...(u.jobTitle ? { jobTitle: u.jobTitle } : {}),
    ...(u.department ? { department: u.department } : {}),
  };
}

export class Directory {
  private zoneReader?: TimeZoneReader;

  constructor(private readonly graph: GraphPort) {}

  /**
   * People's time zones (IANA) from their mailbox settings, by id, in one $batch (time-zones.ts): those unreadable or
   * unrecognised are left out (shown as UTC). Reads within `maxAgeMs` are reused.
   */
  timeZones(ids: readonly string[], maxAgeMs = 0): Promise<Record<string, string>> {
    this.zoneReader ??= new TimeZoneReader(this.graph);
    return this.zoneReader.read(ids, maxAgeMs);
  }

  /**
   * An exact UPN or mail finds that user; anything else is a display-name / given-name prefix search. Both are
   * basic $filter queries (no ConsistencyLevel needed). Returns up to MAX_CANDIDATES + 1 users.
   */
  async find(query: string): Promise<DirectoryUser[]> {
    const q = query.trim();
    const filter = q.includes('@')
      ? `userPrincipalName eq ${literal(q)} or mail eq ${literal(q)}`
      : `startswith(displayName,${literal(q)}) or startswith(givenName,${literal(q)})`;
    const res = await this.graph.call<{ value: DirectoryUser[] }>({ method: 'GET', url: `/users?$filter=${encodeURIComponent(filter)}&${SELECT}&$top=${MAX_CANDIDATES + 1}` });
    return res.body.value.map(toUser);
  }

  /** undefined when there is no such user (404). */
  async get(id: string): Promise<DirectoryUser | undefined> {
    try {
      return toUser((await this.graph.call<DirectoryUser>({ method: 'GET', url: `/users/${encodeURIComponent(id)}?${SELECT}` })).body);
    } catch (err) {
      if (err instanceof M365Error && err.status === 404) {
        return undefined;
      }
      throw err;
    }
  }

  /** undefined when the user has no manager (Graph answers 404 Request_ResourceNotFound). */
  async manager(id: string): Promise<DirectoryUser | undefined> {
    try {
      return toUser((await this.graph.call<DirectoryUser>({ method: 'GET', url: `/users/${encodeURIComponent(id)}/manager?${SELECT}` })).body);
    } catch (err) {
      if (err instanceof M365Error && err.status === 404) {
        return undefined;
      }
      throw err;
    }
  }

  /**
   * What starting an offboarding needs to know, in one $batch (one round trip): the leaver (by id or UPN), their
   * manager, which of `groupIds` they belong to, and optionally which of `requester.groupIds` the requester belongs
   * to (group checks are transitive; checkMemberGroups is a read-only action).
   */
  async leaverFacts(
    idOrUpn: string,
    groupIds: string[],
    requester?: { id: string; groupIds: string[] },
  ): Promise<{ user?: DirectoryUser; manager?: DirectoryUser; managerError?: M365Error; memberOf?: Set<string>; requesterMemberOf?: Set<string> }> {
    const enc = encodeURIComponent(idOrUpn);
    const results = await this.graph.batch<unknown>([
      { method: 'GET', url: `/users/${enc}?${SELECT}` },
      { method: 'GET', url: `/users/${enc}/manager?${SELECT}` },
      { method: 'POST', url: `/users/${enc}/checkMemberGroups`, body: { groupIds } },
      ...(requester ? [{ method: 'POST' as const, url: `/users/${encodeURIComponent(requester.id)}/checkMemberGroups`, body: { groupIds: requester.groupIds } }] : []),
    ]);
    const [user, manager, groups, requesterGroups] = results;
    if (requesterGroups instanceof M365Error) {
      throw requesterGroups;
    }
    // A 404 on the user or manager is an answer (no such user, no manager); anything else is a failure to read: the
    // user's is thrown, the manager's returned (the caller says in words that the approver could not be known).
    if (user instanceof M365Error && user.status !== 404) {
      throw user;
    }
    const managerError = manager instanceof M365Error && manager.status !== 404 ? manager : undefined;
    const ok = <T>(r: unknown): T | undefined => (r === undefined || r instanceof M365Error ? undefined : (r as { body: T }).body);
    const u = ok<DirectoryUser>(user);
    const m = ok<DirectoryUser>(manager);
    const g = ok<{ value: string[] }>(groups);
    const rg = ok<{ value: string[] }>(requesterGroups);
    return { ...(u ? { user: toUser(u) } : {}), ...(m ? { manager: toUser(m) } : {}), ...(u && managerError ? { managerError } : {}), ...(u && g ? { memberOf: new Set(g.value) } : {}), ...(rg ? { requesterMemberOf: new Set(rg.value) } : {}) };
  }

  /**
   * Whether a user is a member of an administrative unit: `GET /directory/administrativeUnits/{unit}/members/{user}`
   * (administrativeunit-get-members; AdministrativeUnit.Read.All). 404 is the answer "not a member"; any other failure
   * is thrown (the caller refuses: the check must not fail open).
   */
  async inAdministrativeUnit(unitId: string, userId: string): Promise<boolean> {
    try {
      await this.graph.call({ method: 'GET', url: `/directory/administrativeUnits/${encodeURIComponent(unitId)}/members/${encodeURIComponent(userId)}?$select=id` });
      return true;
    } catch (err) {
      if (err instanceof M365Error && err.status === 404) {
        return false;
      }
      throw err;
    }
  }

  /** Users in a group, nested groups included (transitiveMembers cast to users). */
  /** The first `limit` users of a group (nested groups included) that `keep` accepts; stops paging once it has them. */
  async groupUsers(groupId: string, limit: number, keep: (u: DirectoryUser) => boolean = () => true): Promise<DirectoryUser[]> {
    const users = await this.graph.list<DirectoryUser>(
      `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?${SELECT}&$top=100`,
      undefined,
      (page) => page.map(toUser).filter(keep).length >= limit,
    );
    return users.map(toUser).filter(keep).slice(0, limit);
  }

  /**
   * Installs the bot for a user so the bot can open a 1:1 chat with them (the catalog id differs from the manifest
   * id: look it up by externalId). 409 means it is already installed. The only write before approval.
   */
  async installApp(userId: string, manifestId: string): Promise<'installed' | 'already installed'> {
    const catalog = await this.graph.call<{ value: Array<{ id: string }> }>({
      method: 'GET',
      url: `/appCatalogs/teamsApps?$filter=${encodeURIComponent(`externalId eq ${literal(manifestId)}`)}&$select=id`,
    });
    const app = catalog.body.value[0];
    if (!app) {
      throw new M365Error({ service: 'graph', status: 404, code: 'AppNotInCatalog', message: `No app with manifest id ${manifestId} in the organisation's app catalog: upload the app package first.` });
    }
    try {
      await this.graph.call({
        method: 'POST',
        url: `/users/${encodeURIComponent(userId)}/teamwork/installedApps`,
        body: { 'teamsApp@odata.bind': `${GRAPH_REFERENCE_ROOT}/appCatalogs/teamsApps/${app.id}` },
      });
      return 'installed';
    } catch (err) {
      if (err instanceof M365Error && err.status === 409) {
        return 'already installed';
      }
      throw err;
    }
  }
}
