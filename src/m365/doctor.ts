// The doctor: compares what the app holds — the `roles` (application permissions) and `wids` (Entra role template ids)
// claims of its own Graph and Exchange tokens — with what the preflight and the enabled steps need
// (offboarding/permissions.ts), and probes Exchange with a harmless read. Tokens are decoded, never printed or logged.
import type { TokenCredential } from '@azure/identity';
import type { OffboardingOptions } from '../offboarding/options';
import { EXCHANGE_PERMISSION, GRAPH_ALTERNATIVES, isSatisfied, requiredPermissions, type RequiredPermission } from '../offboarding/permissions';
import { M365Error } from './errors';
import { EXCHANGE_SCOPE } from './exchange';
import type { ExchangePort, GraphPort } from './ports';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface DoctorOptions {
  /** undefined: M365_CREDENTIAL=none (the simulated tenant): no token to read. */
  credential?: TokenCredential;
  /** Not called today: the token's roles are what Graph authorises against. Kept so a Graph probe needs no API change. */
  graph: GraphPort;
  exchange: ExchangePort;
  /** AZURE_CLIENT_ID, to check the tokens belong to the configured app. */
  clientId?: string;
  options: OffboardingOptions;
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
  notes: string[];
  /** Nothing missing, Exchange answered, and (with a credential) the roles could be read. */
  ok: boolean;
}

interface Claims {
  roles?: unknown;
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

const missingEntry = (r: RequiredPermission): MissingPermission => ({ service: r.service, permission: r.permission, satisfiedBy: r.satisfiedBy, neededBy: [...r.neededBy] });

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const required = requiredPermissions(opts.options);
  const exchangeProbe = probeExchange(opts.exchange);
  const notes: string[] = [];

  if (opts.credential === undefined) {
    notes.push('No credential (M365_CREDENTIAL=none, the simulated tenant): the app permissions and Entra roles of a token cannot be read, so only the Exchange probe is reported.');
    const exchange = await exchangeProbe;
    return { graphRoles: undefined, exchangeRoles: undefined, missing: [], exchange, roleAssignableGroups: roleAssignableGroups(undefined, opts.options), notes, ok: exchange.ok };
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

  // Entra roles are tenant-wide: either token's `wids` lists them (present when the app holds a directory role).
  const wids = [...strings(graphToken.claims?.wids), ...strings(exchangeToken.claims?.wids)];
  const missing: MissingPermission[] = [];
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
      missing.push(missingEntry(r));
    }
  }
  for (const r of unknownRoles) {
    notes.push(`The tokens carry no Entra roles (wids), so this can't be checked: the app needs the ${r.permission} role (for ${r.neededBy.join(', ')}).`);
  }
  notes.push(privilegedLeavers(wids));
  if (!exchange.ok) {
    notes.push(`Exchange refused the probe: the app needs ${EXCHANGE_PERMISSION} (Office 365 Exchange Online, admin-consented) and the Exchange Administrator role.`);
  }
  const ok = missing.length === 0 && exchange.ok && graphRoles !== undefined && exchangeRoles !== undefined;
  return { graphRoles, exchangeRoles, missing, exchange, roleAssignableGroups: roleAssignableGroups(graphRoles, opts.options), notes, ok };
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
  lines.push(`Role-assignable groups: ${report.roleAssignableGroups.detail}`);
  lines.push(...report.notes.map((n) => `Note: ${n}`));
  lines.push(report.ok ? 'Result: OK' : 'Result: something needs attention');
  return lines.join('\n');
}
