// Controls that play the devices' part, so tests can drive what happens after the bot's one-shot actions: an Intune
// device checks in, an action ends in a given state, a device leaves Intune, a mobile partnership syncs. The same
// functions serve SimulatedTenant's methods and HTTP under /_simulator/ (see docs/SIMULATOR.md).
import { checkIn, SETTABLE_ACTION_STATES, setLatestActionState } from './graph/deviceActions';
import { findMobileDevice, syncMobileDevice, type MobileSyncResult } from './exchange/mobileDevices';
import type { TenantState } from './state';
import type { ActionState, ManagedDeviceRecord, TemporaryAccessPassPolicy } from './types';

export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export type SettableActionState = Exclude<ActionState, 'none'>;

/** What a managed-device control leaves: the two properties a settling bot reads. */
export interface ManagedDeviceActionView {
  managementState: string;
  deviceActionResults: ManagedDeviceRecord['deviceActionResults'];
}

function managedDevice(state: TenantState, id: string): ManagedDeviceRecord {
  const device = state.data.managedDevices.find((d) => d.id === id);
  if (!device) {
    throw new ControlError(404, `No managed device '${id}'.`);
  }
  return device;
}

function actionView(device: ManagedDeviceRecord): ManagedDeviceActionView {
  return { managementState: device.managementState, deviceActionResults: structuredClone(device.deviceActionResults ?? []) };
}

export function checkInManagedDevice(state: TenantState, id: string): ManagedDeviceActionView {
  const device = managedDevice(state, id);
  checkIn(state, device);
  return actionView(device);
}

export function setDeviceActionState(state: TenantState, id: string, actionState: unknown): ManagedDeviceActionView {
  const device = managedDevice(state, id);
  if (!SETTABLE_ACTION_STATES.includes(actionState as ActionState)) {
    throw new ControlError(400, `actionState must be one of ${SETTABLE_ACTION_STATES.join(', ')}.`);
  }
  if (!setLatestActionState(state, device, actionState as ActionState)) {
    throw new ControlError(409, `Managed device '${id}' has no device action to update.`);
  }
  return actionView(device);
}

/** Intune drops the device (as it does after a completed wipe or retire): GET then answers 404. */
export function removeManagedDevice(state: TenantState, id: string): void {
  const device = managedDevice(state, id);
  state.data.managedDevices = state.data.managedDevices.filter((d) => d !== device);
}

export function syncMobile(state: TenantState, identity: string): MobileSyncResult {
  const found = findMobileDevice(state, identity);
  if (!found) {
    throw new ControlError(404, `No mobile device '${identity}' (use its Guid, DeviceId or Identity).`);
  }
  return syncMobileDevice(state, found);
}

export interface ControlAnswer {
  status: number;
  body?: unknown;
}

function segment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The HTTP form of the device controls; undefined when `action` is none of them. */
export function deviceControl(state: TenantState, method: string, action: string, body: () => Record<string, unknown>): ControlAnswer | undefined {
  const intune = /^managedDevices\/([^/]+)(?:\/(checkIn|actionState))?$/.exec(action);
  const mobile = /^mobileDevices\/([^/]+)\/sync$/.exec(action);
  try {
    if (intune && method === 'POST' && intune[2] === 'checkIn') {
      return { status: 200, body: checkInManagedDevice(state, segment(intune[1]!)) };
    }
    if (intune && method === 'POST' && intune[2] === 'actionState') {
      return { status: 200, body: setDeviceActionState(state, segment(intune[1]!), body().actionState) };
    }
    if (intune && method === 'DELETE' && intune[2] === undefined) {
      removeManagedDevice(state, segment(intune[1]!));
      return { status: 204 };
    }
    if (mobile && method === 'POST') {
      return { status: 200, body: syncMobile(state, segment(mobile[1]!)) };
    }
  } catch (e) {
    if (e instanceof ControlError) {
      const code = e.status === 404 ? 'NotFound' : e.status === 409 ? 'Conflict' : 'BadRequest';
      return { status: e.status, body: { error: { code, message: e.message } } };
    }
    throw e;
  }
  return undefined;
}

/** What setTemporaryAccessPassPolicy may change (the rest of the policy stays). */
export type TemporaryAccessPassPolicyChange = Partial<Omit<TemporaryAccessPassPolicy, 'id' | 'includeTargets' | 'excludeTargets'>> & {
  /** Group ids, or 'all_users'; targetType is always 'group'. */
  includeTargets?: { id: string; isRegistrationRequired?: boolean }[];
  excludeTargets?: { id: string }[];
};

const TAP_LIFETIMES = ['defaultLifetimeInMinutes', 'minimumLifetimeInMinutes', 'maximumLifetimeInMinutes'] as const;

/**
 * An admin edits the Temporary Access Pass policy (as PATCH …/authenticationMethodConfigurations/TemporaryAccessPass
 * would): checked against temporaryAccessPassAuthenticationMethodConfiguration's rules (lifetimes 10-43200 minutes,
 * minimum ≤ default ≤ maximum, length 8-48). Answers the whole policy.
 */
export function setTemporaryAccessPassPolicy(state: TenantState, change: Record<string, unknown>): TemporaryAccessPassPolicy {
  const next = { ...structuredClone(state.tapPolicy()) } as TemporaryAccessPassPolicy & Record<string, unknown>;
  for (const [k, v] of Object.entries(change)) {
    if (k === 'state') {
      if (v !== 'enabled' && v !== 'disabled') {
        throw new ControlError(400, 'state must be enabled or disabled.');
      }
    } else if ((TAP_LIFETIMES as readonly string[]).includes(k)) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 10 || v > 43200) {
        throw new ControlError(400, `${k} must be an integer between 10 and 43200.`);
      }
    } else if (k === 'defaultLength') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 8 || v > 48) {
        throw new ControlError(400, 'defaultLength must be an integer between 8 and 48.');
      }
    } else if (k === 'isUsableOnce') {
      if (typeof v !== 'boolean') {
        throw new ControlError(400, 'isUsableOnce must be a boolean.');
      }
    } else if (k === 'includeTargets' || k === 'excludeTargets') {
      if (!Array.isArray(v) || v.some((t) => typeof (t as { id?: unknown } | null)?.id !== 'string')) {
        throw new ControlError(400, `${k} must be a list of { id } (a group id, or all_users in includeTargets).`);
      }
      next[k] = (v as { id: string; isRegistrationRequired?: unknown }[]).map((t) =>
        k === 'includeTargets' ? { targetType: 'group' as const, id: t.id, isRegistrationRequired: t.isRegistrationRequired === true } : { targetType: 'group' as const, id: t.id },
      ) as never;
      continue;
    } else {
      throw new ControlError(400, `Unknown policy property '${k}'.`);
    }
    next[k] = v;
  }
  if (!(next.minimumLifetimeInMinutes <= next.defaultLifetimeInMinutes && next.defaultLifetimeInMinutes <= next.maximumLifetimeInMinutes)) {
    throw new ControlError(400, 'minimumLifetimeInMinutes ≤ defaultLifetimeInMinutes ≤ maximumLifetimeInMinutes must hold.');
  }
  state.data.temporaryAccessPassPolicy = next;
  return structuredClone(next);
}

/** Moves the tenant's clock forward (deleted items age, TAPs expire, pending conversions land). Answers the tenant's new time. */
export function advanceClock(state: TenantState, ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new ControlError(400, 'advanceMs must be a number of milliseconds ≥ 0.');
  }
  state.clockOffsetMs += ms;
  return state.isoNow();
}

/** The HTTP form of the tenant controls (TAP policy, clock); undefined when `action` is none of them. */
export function tenantControl(state: TenantState, method: string, action: string, body: () => Record<string, unknown>): ControlAnswer | undefined {
  try {
    if (method === 'GET' && action === 'policies/temporaryAccessPass') {
      return { status: 200, body: structuredClone(state.tapPolicy()) };
    }
    if (method === 'PATCH' && action === 'policies/temporaryAccessPass') {
      return { status: 200, body: setTemporaryAccessPassPolicy(state, body()) };
    }
    if (method === 'POST' && action === 'clock') {
      return { status: 200, body: { now: advanceClock(state, body().advanceMs) } };
    }
  } catch (e) {
    if (e instanceof ControlError) {
      return { status: e.status, body: { error: { code: 'BadRequest', message: e.message } } };
    }
    throw e;
  }
  return undefined;
}
