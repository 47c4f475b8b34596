// Intune's own record of one-shot device actions, the record a bot settles an unanswered wipe / retire against:
// GET /deviceManagement/managedDevices/{id}?$select=managementState,deviceActionResults.
// - deviceActionResults (intune-devices-deviceactionresult): one entry per action, actionState from
//   intune-devices-actionstate; actionName is the Graph action's own name (Intune reports remoteLock as `remoteLock`).
// - managementState (intune-devices-managementstate): wipePending / retirePending while the command waits for the
//   device ("is occurring on the device"), *Issued once the device has taken it ("a command was issued for the
//   device": our reading), *Failed, *Canceled. Intune later drops a wiped / retired device; removeManagedDevice plays
//   that part, nothing here deletes on its own.
import type { TenantState } from '../state';
import type { ActionState, DeviceActionResultRecord, ManagedDeviceRecord } from '../types';

export type DeviceActionName = DeviceActionResultRecord['actionName'];

/** What a test may make the latest action become; `none` is "not a valid action state". */
export const SETTABLE_ACTION_STATES: readonly ActionState[] = ['pending', 'active', 'done', 'failed', 'canceled', 'notSupported'];

function managementStateFor(name: DeviceActionName, state: ActionState): string {
  switch (state) {
    case 'pending':
    case 'active':
      return `${name}Pending`;
    case 'done':
      return `${name}Issued`;
    case 'failed':
      return `${name}Failed`;
    case 'canceled':
      return `${name}Canceled`;
    default:
      // none / notSupported: the device never acted on it, so it stays under management.
      return 'managed';
  }
}

/** POST …/wipe or …/retire accepted: a pending entry, and the device shows the pending state. */
export function recordDeviceAction(state: TenantState, device: ManagedDeviceRecord, name: DeviceActionName): void {
  const now = state.isoNow();
  (device.deviceActionResults ??= []).push({ actionName: name, actionState: 'pending', startDateTime: now, lastUpdatedDateTime: now });
  device.managementState = managementStateFor(name, 'pending');
}

/** The device checks in and carries out what waits for it (modelled as going straight from pending to done). */
export function checkIn(state: TenantState, device: ManagedDeviceRecord): void {
  const now = state.isoNow();
  for (const action of device.deviceActionResults ?? []) {
    if (action.actionState === 'pending' || action.actionState === 'active') {
      action.actionState = 'done';
      action.lastUpdatedDateTime = now;
    }
  }
  const latest = device.deviceActionResults?.at(-1);
  if (latest) {
    device.managementState = managementStateFor(latest.actionName, latest.actionState);
  }
  device.lastSyncDateTime = now;
}

/** Sets the latest action's state (and the matching managementState); false when the device has no action. */
export function setLatestActionState(state: TenantState, device: ManagedDeviceRecord, actionState: ActionState): boolean {
  const latest = device.deviceActionResults?.at(-1);
  if (!latest) {
    return false;
  }
  latest.actionState = actionState;
  latest.lastUpdatedDateTime = state.isoNow();
  device.managementState = managementStateFor(latest.actionName, actionState);
  return true;
}
