// ActiveSync phones: remove the mail account only (Clear-MobileDevice -AccountOnly), never a full device wipe.
// One-shot, like Intune actions.
import { oneShot, targetsOf, type StepRunner } from './context';

export const removeMobileMail: StepRunner = async (ctx) => {
  const upn = ctx.people.leaver.userPrincipalName;
  const targets = await targetsOf(ctx, async () => {
    const { value } = await ctx.exchange.invoke<{ Identity: string; FriendlyName?: string; DeviceModel?: string }>('Get-MobileDevice', { Mailbox: upn }, upn);
    return value.map((d) => ({ id: d.Identity, label: d.FriendlyName ?? d.DeviceModel ?? d.Identity }));
  });
  await oneShot(ctx, targets, async (device) => {
    await ctx.exchange.invoke('Clear-MobileDevice', { Identity: device.id, AccountOnly: true, Confirm: false }, upn);
    return 'account removal sent';
  });
};
