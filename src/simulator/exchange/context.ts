// What a cmdlet implementation receives, and the parameter coercions Exchange applies (PowerShell-style booleans,
// single values for arrays, $null).
import { exchangeErrors } from '../errors';
import { asText } from '../text';
import type { TenantState } from '../state';

/**
 * Who Exchange records as the caller of the app's writes (LitigationHoldOwner, Last*DeviceWipeRequestor). What
 * Exchange Online shows for an app-only session is not documented; a readable stand-in.
 */
export const APP_CALLER = 'Offboarding (app)';

export interface CmdletContext {
  state: TenantState;
  cmdlet: string;
  /** Canonical parameter names (as the cmdlet declares them) → values as sent. */
  params: Record<string, unknown>;
  warnings: string[];
  /** The "couldn't be found on '<server>'" part of Exchange's texts. */
  server: string;
  mailboxConversionDelayMs: number;
}

export interface CmdletDef {
  name: string;
  parameters: readonly string[];
  required?: readonly string[];
  run(ctx: CmdletContext): unknown[];
}

export function has(ctx: CmdletContext, name: string): boolean {
  return name in ctx.params;
}

export function str(ctx: CmdletContext, name: string): string | undefined {
  const v = ctx.params[name];
  if (v === undefined || v === null) {
    return undefined;
  }
  if (typeof v === 'object') {
    throw exchangeErrors.badValue(name, JSON.stringify(v), 'System.String');
  }
  return asText(v);
}

export function requireStr(ctx: CmdletContext, name: string): string {
  const v = str(ctx, name);
  if (v === undefined || v === '') {
    throw exchangeErrors.missingParameter(ctx.cmdlet, name);
  }
  return v;
}

/** `true`, `false`, "$true", "True"... ; a switch sent with no value (null) counts as present. */
export function bool(ctx: CmdletContext, name: string, isSwitch = false): boolean | undefined {
  if (!has(ctx, name)) {
    return undefined;
  }
  const v = ctx.params[name];
  if (typeof v === 'boolean') {
    return v;
  }
  if (v === null && isSwitch) {
    return true;
  }
  const s = asText(v).trim().toLowerCase().replace(/^\$/, '');
  if (s === 'true' || s === '1') {
    return true;
  }
  if (s === 'false' || s === '0') {
    return false;
  }
  throw exchangeErrors.badValue(name, v, 'System.Boolean');
}

export function strList(ctx: CmdletContext, name: string): string[] | undefined {
  const v = ctx.params[name];
  if (v === undefined || v === null) {
    return undefined;
  }
  const list: unknown[] = Array.isArray(v) ? v : asText(v).split(',');
  return list.map((x) => asText(x).trim()).filter((x) => x !== '');
}

export function int(ctx: CmdletContext, name: string): number | undefined {
  const v = ctx.params[name];
  if (v === undefined || v === null) {
    return undefined;
  }
  if (asText(v).toLowerCase() === 'unlimited') {
    return Number.POSITIVE_INFINITY;
  }
  const n = Number(v);
  if (!Number.isInteger(n)) {
    throw exchangeErrors.badValue(name, v, 'System.Int32');
  }
  return n;
}

/** Exchange's "no change" warning for Set-* cmdlets that changed nothing. */
export function noChangeWarning(identity: string): string {
  return `The command completed successfully but no settings of '${identity}' have been modified.`;
}
