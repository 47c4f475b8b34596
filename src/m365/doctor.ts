// The doctor: compares what the app holds — the `roles` (application permissions) and `wids` (Entra role template ids)
// claims of its own Graph and Exchange tokens — with what the preflight and the enabled steps need
// (offboarding/permissions.ts), and probes Exchange with a harmless read. It also lists the app's Entra role assignments
// with their scopes (least privilege: docs/DEPLOYMENT.md section 3a). Tokens are decoded, never printed or logged.
import type { Governor, GovernorSnapshot } from './governor';
import type { TokenCredential } from '@azure/identity';
import type { OffboardingOptions } from '../offboarding/options';
import {
  EXCHANGE_PERMISSION,
  EXCHANGE_ROLE,
  GRAPH_ALTERNATIVES,
  isSatisfied,
  managementRoleChecks,
  requiredPermissions,
  ROLE_TEMPLATE_IDS,
  USER_ADMIN_ROLE,
  type RequiredPermission,
} from '../offboarding/permissions';
import { M365Error } from './errors';
import { EXCHANGE_SCOPE } from './exchange';
import type { ExchangePort, GraphPort } from './ports';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface DoctorOptions {
  /** undefined: M365_CREDENTIAL=none (the simulated tenant): no token to read. */
  credential?: TokenCredential;
  /**
   * Reads only: the app's role assignments (when its service principal id is known: the token's `oid`) and the
   * OFFBOARDABLE_UNIT_ID unit (when set). Permissions come from the token's roles, which Graph authorises against.
   */
  graph: GraphPort;
  exchange: ExchangePort;
  /** AZURE_CLIENT_ID, to check the tokens belong to the configured app. */
  clientId?: string;
  options: OffboardingOptions;
  /** OFFBOARDABLE_UNIT_ID: its read is checked too, and the User Administrator scope is compared with it. */
  offboardableUnitId?: string;
  /** The app's service principal object id; default: the Graph token's `oid` claim. */
  servicePrincipalId?: string;
  /** The process's governor: its budgets, their use and pauses go into the report. */
  governor?: Governor;
}

/** One Entra role the app holds, from GET /roleManagement/directory/roleAssignments. */
export interface HeldRole {
  roleDefinitionId: string;
  /** The built-in role's name when known, else `role <id>`. */
  name: string;
  /** '/' (tenant-wide) or '/administrativeUnits/{id}'. */
  directoryScopeId: string;
}

export interface MissingPermission {
  service: RequiredPermission['service'];
  permission: string;
  /** Also sufficient (higher-privileged permissions; for roles, template ids of roles that include it). */
  satisfiedBy: readonly string[];
  neededBy: string[];
}

export interface DoctorReport {
  /** The Graph token's `roles`; undefined when it could not be read (no credential, or no token). */
  graphRoles: string[] | undefined;
  exchangeRoles: string[] | undefined;
  missing: MissingPermission[];
  exchange: { ok: boolean; detail: string };
  /**
   * What happens to the leaver's role-assignable groups: 'removable' (RoleManagement.ReadWrite.Directory is granted, so
   * a request with removeFromRoleAssignableGroups on removes them), 'left-in-place' (it isn't: they stay, each with a
   * follow-up), 'unknown' (no token to read).
   */
  roleAssignableGroups: { mode: 'removable' | 'left-in-place' | 'unknown'; detail: string };
  /** The app's Entra role assignments with their scopes; undefined when they could not be read. */
  entraRoles?: HeldRole[];
  notes: string[];
  /** The governor's state when the report was made (budget use, queues, pauses). */
  governor?: GovernorSnapshot;
  /** Nothing missing, Exchange answered, and (with a credential) the roles could be read. */
  ok: boolean;
}

interface Claims {
  roles?: unknown;
  oid?: unknown;
  wids?: unknown;
  appid?: unknown;
  azp?: unknown;
}

/** The payload of a JWT (base64url JSON). No signature check: it is the app's own token, read for its claims. */
export function decodeJwtPayload(token: string): Claims {
  const payload = token.split('.')[1];
  if (payload === undefined) {
    throw new Error('not a JWT');
  }
  const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  if (parsed === null || typeof parsed !== 'object') {
    throw new Error('JWT payload is not an object');
  }
  return parsed;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

interface TokenRead {
  claims?: Claims;
  /** Why there are no claims; never contains the token. */
  problem?: string;
}

async function readToken(credential: TokenCredential, scope: string): Promise<TokenRead> {
  try {
    const token = await credential.getToken(scope);
    if (!token) {
      return { problem: `the credential returned no token for ${scope}` };
    }
    return { claims: decodeJwtPayload(token.token) };
  } catch (err) {
    return { problem: `couldn't get a token for ${scope}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** A harmless read: one mailbox, tenant-wide anchor. */
async function probeExchange(exchange: ExchangePort): Promise<DoctorReport['exchange']> {
  try {
    const { value } = await exchange.invoke('Get-Mailbox', { ResultSize: 1 });
    return { ok: true, detail: `Get-Mailbox answered (${value.length} mailbox${value.length === 1 ? '' : 'es'} read)` };
  } catch (err) {
    return { ok: false, detail: `Get-Mailbox failed: ${err instanceof M365Error ? err.summary() : err instanceof Error ? err.message : String(err)}` };
  }
}

function checkAppId(claims: Claims | undefined, clientId: string | undefined, which: string): string[] {
  const appId = typeof claims?.appid === 'string' ? claims.appid : typeof claims?.azp === 'string' ? claims.azp : undefined;
  if (clientId === undefined || appId === undefined || appId.toLowerCase() === clientId.toLowerCase()) {
    return [];
  }
  return [`The ${which} token belongs to app ${appId}, not AZURE_CLIENT_ID ${clientId}.`];
}

export const ROLE_MANAGEMENT_WRITE = 'RoleManagement.ReadWrite.Directory';

/** Which of the two applies to role-assignable groups, from the Graph token's roles and the options checked. */
export function roleAssignableGroups(graphRoles: string[] | undefined, options: OffboardingOptions): DoctorReport['roleAssignableGroups'] {
  const chosen = options.removeFromRoleAssignableGroups;
  const danger = `${ROLE_MANAGEMENT_WRITE} lets the app assign itself any directory role`;
  if (graphRoles === undefined) {
    return {
      mode: 'unknown',
      detail: `can't tell without a token: with ${ROLE_MANAGEMENT_WRITE} a request with removeFromRoleAssignableGroups on removes the leaver from them; without it they are left in place with a follow-up.`,
    };
  }
  if (isSatisfied({ permission: ROLE_MANAGEMENT_WRITE, satisfiedBy: GRAPH_ALTERNATIVES[ROLE_MANAGEMENT_WRITE] ?? [] }, new Set(graphRoles))) {
    return {
      mode: 'removable',
      detail: `${ROLE_MANAGEMENT_WRITE} is granted: a request with removeFromRoleAssignableGroups on removes the leaver from them (off by default: left in place with a follow-up). ${danger}: ${chosen ? 'keep it only while you use that option' : 'remove it unless you use that option'}.`,
    };
  }
  return {
    mode: 'left-in-place',
    detail: `left in place, each with a follow-up for IT: ${ROLE_MANAGEMENT_WRITE} is not granted${chosen ? ', so a request with removeFromRoleAssignableGroups on would fail to remove them' : ' (the default; removeFromRoleAssignableGroups would need it)'}.`,
  };
}

/** Privileged Authentication Administrator and Global Administrator (role template ids, as in `wids`). */
export const PRIVILEGED_AUTH_ROLES = ['7be44c8a-adaf-4e2a-84d6-ab2649e08a13', '62e90394-69f5-4237-9190-012177145e10'];

/**
 * Whether the app can contain (block, reset) administrators and members or owners of role-assignable groups: Entra
 * requires at least Privileged Authentication Administrator for them (docs/DEPLOYMENT.md; unverified for an app).
 */
export function privilegedLeavers(wids: string[]): string {
  const who = 'Administrators and members or owners of role-assignable groups';
  if (wids.length === 0) {
    return `${who}: can't tell without Entra roles in the tokens; blocking and resetting them needs Privileged Authentication Administrator (the plan warns before approval).`;
  }
  return wids.some((w) => PRIVILEGED_AUTH_ROLES.includes(w))
    ? `${who}: can be blocked and reset (the app holds Privileged Authentication Administrator or Global Administrator: keep that only if it must offboard them).`
    : `${who}: can't be blocked or reset by this app (no Privileged Authentication Administrator role); the plan warns before approval, and IT contains them by hand.`;
}

const ROLE_NAMES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(ROLE_TEMPLATE_IDS).map(([name, id]) => [id, name])),
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13': 'Privileged Authentication Administrator',
  '62e90394-69f5-4237-9190-012177145e10': 'Global Administrator',
  '966707d0-3269-4727-9be2-8c3a10f19b9d': 'Password Administrator',
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': 'Helpdesk Administrator',
};

/** '/' → tenant-wide; '/administrativeUnits/{id}' → administrative unit {id}. */
export function scopeLabel(directoryScopeId: string): string {
  if (directoryScopeId === '/') {
    return 'tenant-wide';
  }
  const unit = /^\/administrativeUnits\/([^/]+)$/.exec(directoryScopeId);
  return unit ? `administrative unit ${unit[1]!}` : `scope ${directoryScopeId}`;
}

/** GET /roleManagement/directory/roleAssignments?$filter=principalId eq '{id}' (RoleManagement.Read.Directory). */
async function readRoleAssignments(graph: GraphPort, principalId: string): Promise<{ roles?: HeldRole[]; problem?: string }> {
  try {
    const filter = encodeURIComponent(`principalId eq '${principalId.replace(/'/g, "''")}'`);
    const items = await graph.list<{ roleDefinitionId?: string; directoryScopeId?: string }>(`/roleManagement/directory/roleAssignments?$filter=${filter}`);
    return {
      roles: items
        .filter((a) => typeof a.roleDefinitionId === 'string')
        .map((a) => ({ roleDefinitionId: a.roleDefinitionId!, name: ROLE_NAMES[a.roleDefinitionId!] ?? `role ${a.roleDefinitionId!}`, directoryScopeId: a.directoryScopeId ?? '/' })),
    };
  } catch (err) {
    return { problem: err instanceof M365Error ? err.summary() : err instanceof Error ? err.message : String(err) };
  }
}

/** What the role assignments say about least privilege: a tenant-wide User Administrator, the unit, Exchange. */
export function roleNotes(roles: HeldRole[], wids: string[], offboardableUnitId: string | undefined, exchangeAnswered: boolean): string[] {
  const notes: string[] = [];
  const userAdmin = roles.filter((r) => r.roleDefinitionId === ROLE_TEMPLATE_IDS[USER_ADMIN_ROLE]);
  const unitScope = offboardableUnitId === undefined ? undefined : `/administrativeUnits/${offboardableUnitId}`;
  if (userAdmin.some((r) => r.directoryScopeId === '/')) {
    notes.push(
      `WARNING: ${USER_ADMIN_ROLE} is tenant-wide (scope '/'): the app may reset the password of any non-admin user. Assign it scoped to an administrative unit holding the people the bot may offboard, and set OFFBOARDABLE_UNIT_ID to that unit (docs/DEPLOYMENT.md, "Least privilege").`,
    );
  }
  for (const r of userAdmin.filter((x) => x.directoryScopeId !== '/')) {
    if (unitScope === undefined) {
      notes.push(`${USER_ADMIN_ROLE} is scoped to ${scopeLabel(r.directoryScopeId)}, but OFFBOARDABLE_UNIT_ID is not set: the bot accepts leavers outside the unit, and their password reset fails. Set OFFBOARDABLE_UNIT_ID.`);
    } else if (r.directoryScopeId !== unitScope) {
      notes.push(`${USER_ADMIN_ROLE} is scoped to ${scopeLabel(r.directoryScopeId)}, not to OFFBOARDABLE_UNIT_ID (${offboardableUnitId}): leavers the bot accepts may be outside the role's scope.`);
    }
  }
  const exchangeAdmin = [ROLE_TEMPLATE_IDS[EXCHANGE_ROLE]!, '62e90394-69f5-4237-9190-012177145e10'];
  if (!roles.some((r) => exchangeAdmin.includes(r.roleDefinitionId)) && !wids.some((w) => exchangeAdmin.includes(w))) {
    notes.push(
      `No ${EXCHANGE_ROLE} role: custom role group: cmdlets not verifiable from here${exchangeAnswered ? ' (Exchange answered the Get-Mailbox probe)' : ''}. An Exchange admin can check which management roles hold each cmdlet the bot runs, and that the app's role group has them (docs/DEPLOYMENT.md, "Least privilege"): ${managementRoleChecks().join('; ')}.`,
    );
  }
  return notes;
}

/** OFFBOARDABLE_UNIT_ID names a unit that exists (GET /directory/administrativeUnits/{id}); a note when it doesn't or can't be read. */
async function checkUnit(graph: GraphPort, unitId: string): Promise<string> {
  try {
    const unit = await graph.call<{ displayName?: string }>({ method: 'GET', url: `/directory/administrativeUnits/${encodeURIComponent(unitId)}?$select=id,displayName` });
    return `OFFBOARDABLE_UNIT_ID: administrative unit ${unitId} (${unit.body.displayName ?? 'no name'}); leavers outside it are refused before approval.`;
  } catch (err) {
    if (err instanceof M365Error && err.status === 404) {
      return `WARNING: OFFBOARDABLE_UNIT_ID ${unitId} names no administrative unit: every leaver would be refused.`;
    }
    return `OFFBOARDABLE_UNIT_ID ${unitId}: the unit could not be read (${err instanceof M365Error ? err.summary() : err instanceof Error ? err.message : String(err)}); the bot refuses every leaver while it can't read membership.`;
  }
}

const missingEntry = (r: RequiredPermission): MissingPermission => ({ service: r.service, permission: r.permission, satisfiedBy: r.satisfiedBy, neededBy: [...r.neededBy] });

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  // The governor's state before the probes: the budget use of the bot's own runs, not of the doctor's requests.
  const governor = governorOf(opts);
  // A reinstatement may be asked for any time: its needs are checked too (restoring an account goes with deleteAccount).
  const required = requiredPermissions(opts.options, { offboardableUnit: opts.offboardableUnitId !== undefined }, { reinstatement: true });
  const exchangeProbe = probeExchange(opts.exchange);
  const notes: string[] = [];

  if (opts.credential === undefined) {
    notes.push('No credential (M365_CREDENTIAL=none, the simulated tenant): the app permissions and Entra roles of a token cannot be read, so only the Exchange probe is reported.');
    if (opts.offboardableUnitId !== undefined) {
      notes.push(await checkUnit(opts.graph, opts.offboardableUnitId));
    }
    const exchange = await exchangeProbe;
    return { graphRoles: undefined, exchangeRoles: undefined, missing: [], exchange, roleAssignableGroups: roleAssignableGroups(undefined, opts.options), notes, ...governor, ok: exchange.ok };
  }

  const [graphToken, exchangeToken, exchange] = await Promise.all([readToken(opts.credential, GRAPH_SCOPE), readToken(opts.credential, EXCHANGE_SCOPE), exchangeProbe]);
  const graphRoles = graphToken.claims ? strings(graphToken.claims.roles) : undefined;
  const exchangeRoles = exchangeToken.claims ? strings(exchangeToken.claims.roles) : undefined;
  for (const problem of [graphToken.problem, exchangeToken.problem]) {
    if (problem) {
      notes.push(`Roles unknown: ${problem}.`);
    }
  }
  notes.push(...checkAppId(graphToken.claims, opts.clientId, 'Graph'), ...checkAppId(exchangeToken.claims, opts.clientId, 'Exchange'));

  // Either token's `wids` lists the app's Entra roles (tenant-wide ones at least: whether a role scoped to an
  // administrative unit appears there is unverified), so the role assignments are read too, with their scopes.
  const principalId = opts.servicePrincipalId ?? (typeof graphToken.claims?.oid === 'string' ? graphToken.claims.oid : undefined);
  const assignments = principalId === undefined ? undefined : await readRoleAssignments(opts.graph, principalId);
  if (assignments?.problem) {
    notes.push(`The app's Entra role assignments could not be read (${assignments.problem}): their scopes are unknown.`);
  }
  const entraRoles = assignments?.roles;
  const wids = [...strings(graphToken.claims?.wids), ...strings(exchangeToken.claims?.wids), ...(entraRoles ?? []).map((r) => r.roleDefinitionId)];
  const missing: MissingPermission[] = [];
  let customRoleGroup = false;
  const unknownRoles: RequiredPermission[] = [];
  for (const r of required) {
    const granted = r.service === 'graph' ? graphRoles : r.service === 'exchange' ? exchangeRoles : wids.length > 0 ? wids : undefined;
    if (granted === undefined) {
      if (r.service === 'entra-role') {
        unknownRoles.push(r);
      }
      continue;
    }
    if (!isSatisfied(r, new Set(granted))) {
      if (r.service === 'entra-role' && r.permission === EXCHANGE_ROLE && exchange.ok) {
        // Exchange answered without the role: a custom role group (New-ServicePrincipal), whose cmdlets can't be read
        // from here. Said in a note (roleNotes), not counted missing.
        customRoleGroup = true;
        continue;
      }
      missing.push(missingEntry(r));
    }
  }
  for (const r of unknownRoles) {
    notes.push(`The tokens carry no Entra roles (wids), so this can't be checked: the app needs the ${r.permission} role (for ${r.neededBy.join(', ')}).`);
  }
  notes.push(privilegedLeavers(wids));
  if (entraRoles !== undefined || customRoleGroup) {
    notes.push(...roleNotes(entraRoles ?? [], wids, opts.offboardableUnitId, exchange.ok));
  }
  if (opts.offboardableUnitId !== undefined) {
    notes.push(await checkUnit(opts.graph, opts.offboardableUnitId));
  }
  if (!exchange.ok) {
    notes.push(`Exchange refused the probe: the app needs ${EXCHANGE_PERMISSION} (Office 365 Exchange Online, admin-consented) and the Exchange Administrator role.`);
  }
  const ok = missing.length === 0 && exchange.ok && graphRoles !== undefined && exchangeRoles !== undefined;
  return { graphRoles, exchangeRoles, missing, exchange, roleAssignableGroups: roleAssignableGroups(graphRoles, opts.options), ...(entraRoles ? { entraRoles } : {}), notes, ...governor, ok };
}

function governorOf(opts: DoctorOptions): { governor?: GovernorSnapshot } {
  return opts.governor ? { governor: opts.governor.snapshot() } : {};
}

/** The governor's snapshot as lines: each budget, its use now, and any pause or queue. */
export function formatGovernorSnapshot(snapshot: GovernorSnapshot, title = 'Governor (budgets per service family'): string[] {
  const lines = [`${title}${snapshot.share < 1 ? `, this instance's share ${Math.round(snapshot.share * 100)}%${snapshot.instances !== undefined ? ` of ${snapshot.instances} live instances` : ''}` : ''}):`];
  for (const f of snapshot.families) {
    const queued = f.queued.containment + f.queued.critical + f.queued.normal;
    const state = [
      `${f.tokens}/${f.burst} tokens`,
      `${f.granted} granted`,
      ...(f.throttled > 0 ? [`${f.throttled} answered 429`] : []),
      ...(f.pauses > 0 ? [`${f.pauses} pauses`] : []),
      ...(f.pace < 1 ? [`pace ${Math.round(f.pace * 100)}% of the budget since the last 429`] : []),
      ...(f.pausedForMs > 0 ? [`PAUSED ${Math.ceil(f.pausedForMs / 1000)} s more`] : []),
      ...(queued > 0 ? [`${queued} waiting (${f.queued.containment} containment, ${f.queued.critical} critical path) across ${f.lanes} runs`] : []),
      ...(f.concurrency !== undefined ? [`${f.inFlight}/${f.concurrency} in flight`] : []),
      ...(f.maxWaitMs > 0 ? [`longest wait ${f.maxWaitMs} ms`] : []),
    ];
    lines.push(`  - ${f.family}: ${f.budget}${f.family === 'outlook' ? ' per mailbox' : ''}; ${state.join(', ')}`);
  }
  if (snapshot.mailboxes.tracked > 0) {
    // Outlook's limits hold per app and mailbox: each mailbox has its own budget (the outlook line is for /me).
    lines.push(`  - Outlook mailboxes with a budget of their own: ${snapshot.mailboxes.tracked}${snapshot.mailboxes.busy.length > 0 ? `, ${snapshot.mailboxes.busy.length} waiting or paused` : ''}`);
  }
  if (snapshot.conversations.busy.length > 0) {
    lines.push(`  - Teams conversations waiting or paused: ${snapshot.conversations.busy.length} of ${snapshot.conversations.tracked}`);
  }
  return lines;
}

/** The report as plain text for a terminal or a chat message. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = [];
  lines.push(report.graphRoles === undefined ? 'Graph application permissions: unknown' : `Graph application permissions (${report.graphRoles.length}): ${report.graphRoles.join(', ') || 'none'}`);
  if (report.exchangeRoles !== undefined) {
    lines.push(`Exchange application permissions: ${report.exchangeRoles.join(', ') || 'none'}`);
  }
  lines.push(`Exchange: ${report.exchange.ok ? 'OK' : 'FAILED'}: ${report.exchange.detail}`);
  if (report.missing.length === 0) {
    lines.push('Missing: nothing');
  } else {
    lines.push(`Missing (${report.missing.length}):`);
    for (const m of report.missing) {
      const kind = m.service === 'entra-role' ? 'Entra role' : m.service === 'exchange' ? 'Exchange permission' : 'Graph permission';
      const also = m.service === 'graph' && m.satisfiedBy.length > 0 ? ` (or ${m.satisfiedBy.join(', ')})` : '';
      lines.push(`  - ${kind} ${m.permission}${also}: needed by ${m.neededBy.join(', ')}`);
    }
  }
  if (report.entraRoles !== undefined) {
    lines.push(`Entra roles (${report.entraRoles.length}):${report.entraRoles.length === 0 ? ' none' : ''}`);
    for (const r of report.entraRoles) {
      lines.push(`  - ${r.name}: ${scopeLabel(r.directoryScopeId)} (${r.directoryScopeId})`);
    }
  }
  lines.push(`Role-assignable groups: ${report.roleAssignableGroups.detail}`);
  lines.push(...report.notes.map((n) => `Note: ${n}`));
  if (report.governor) {
    lines.push(...formatGovernorSnapshot(report.governor));
  }
  lines.push(report.ok ? 'Result: OK' : 'Result: something needs attention');
  return lines.join('\n');
}
