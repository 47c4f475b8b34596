// Delegated consents the leaver gave apps: without them, a refresh token held by the app is useless.
import { batchTargets, enc, goneIsDone, targetsOf, type StepRunner } from './context';

export const revokeOAuthGrants: StepRunner = async (ctx) => {
  const targets = await targetsOf(ctx, async () =>
    (await ctx.graph.list<{ id: string; clientId: string }>(`/users/${enc(ctx.people.leaver.id)}/oauth2PermissionGrants`)).map((g) => ({ id: g.id, label: g.clientId })),
  );
  await batchTargets(ctx, targets, (g) => ({ method: 'DELETE', url: `/oauth2PermissionGrants/${enc(g.id)}` }), goneIsDone());
};
