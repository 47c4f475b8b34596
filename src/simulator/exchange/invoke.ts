// POST /adminapi/beta/{tenantId}/InvokeCommand — the REST transport of the ExchangeOnlineManagement module (and of
// CIPP's New-ExoRequest). Body: {"CmdletInput":{"CmdletName":"Set-Mailbox","Parameters":{...}}}. Success: 200
// {"@odata.context", "adminapi.warnings@odata.type", "@adminapi.warnings":[...], "value":[...]}. Failures: the
// error shape in errors.ts. Parameter names are case-insensitive, as in PowerShell; unknown cmdlets and parameters
// are refused the way Exchange refuses them. `?$select=a,b` trims the output objects as the service does.
import { ExchangeError, exchangeErrorBody, exchangeErrors } from '../errors';
import type { TenantState } from '../state';
import { calendarCmdlets } from './cmdlets/calendar';
import { clientAccessCmdlets } from './cmdlets/clientAccess';
import { groupCmdlets } from './cmdlets/groups';
import { inboxRuleCmdlets } from './cmdlets/inboxRules';
import { mailboxCmdlets } from './cmdlets/mailbox';
import { permissionCmdlets } from './cmdlets/permissions';
import type { CmdletDef } from './context';

/** Accepted by every cmdlet (PowerShell common parameters and -Confirm). */
const COMMON_PARAMETERS = ['Confirm', 'ErrorAction', 'WarningAction', 'Verbose', 'Debug', 'WhatIf', 'DomainController'];

const CMDLETS = new Map<string, CmdletDef>(
  [...mailboxCmdlets, ...permissionCmdlets, ...inboxRuleCmdlets, ...clientAccessCmdlets, ...calendarCmdlets, ...groupCmdlets].map((c) => [c.name.toLowerCase(), c]),
);

export interface InvokeResult {
  status: number;
  body: unknown;
  cmdlet: string;
}

export function cmdletNameOf(body: unknown): string {
  const input = (body as { CmdletInput?: { CmdletName?: unknown } } | null)?.CmdletInput;
  return typeof input?.CmdletName === 'string' ? input.CmdletName : '';
}

export function invokeCommand(state: TenantState, body: unknown, options: { origin: string; tenant: string; select: string | null; mailboxConversionDelayMs: number }): InvokeResult {
  const name = cmdletNameOf(body);
  try {
    const input = (body as { CmdletInput?: { Parameters?: unknown } } | null)?.CmdletInput;
    if (!input || name === '') {
      throw new ExchangeError(400, 'BadRequest', 'Invalid Operation', 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException', "The request body must contain CmdletInput with a CmdletName.", '', false);
    }
    const def = CMDLETS.get(name.toLowerCase());
    if (!def) {
      throw exchangeErrors.unknownCmdlet(name);
    }
    const raw = (input.Parameters ?? {}) as Record<string, unknown>;
    const params: Record<string, unknown> = {};
    const unknown: string[] = [];
    for (const [key, value] of Object.entries(raw)) {
      const canonical = [...def.parameters, ...COMMON_PARAMETERS].find((p) => p.toLowerCase() === key.toLowerCase());
      if (canonical === undefined) {
        unknown.push(key);
      } else {
        params[canonical] = value;
      }
    }
    if (unknown.length > 0) {
      throw exchangeErrors.unknownParameters(unknown);
    }
    for (const r of def.required ?? []) {
      if (params[r] === undefined || params[r] === null || params[r] === '') {
        throw exchangeErrors.missingParameter(def.name, r);
      }
    }
    const warnings: string[] = [];
    let value = def.run({ state, cmdlet: def.name, params, warnings, server: state.data.tenant.domainController, mailboxConversionDelayMs: options.mailboxConversionDelayMs });
    const fields = options.select?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (fields && fields.length > 0) {
      value = value.map((v) => Object.fromEntries(fields.map((f) => [f, (v as Record<string, unknown>)[f] ?? null])));
    }
    return {
      status: 200,
      cmdlet: def.name,
      body: {
        '@odata.context': `${options.origin}/adminapi/beta/${options.tenant}/$metadata#Collection(Exchange.GenericHashTable)`,
        'adminapi.warnings@odata.type': '#Collection(String)',
        '@adminapi.warnings': warnings,
        value,
      },
    };
  } catch (e) {
    if (e instanceof ExchangeError) {
      return { status: e.status, cmdlet: name, body: exchangeErrorBody(e) };
    }
    const message = e instanceof Error ? e.message : String(e);
    return { status: 500, cmdlet: name, body: exchangeErrorBody(new ExchangeError(500, 'InternalServerError', 'Internal server error', 'System.Exception', `Simulator fault: ${message}`)) };
  }
}
