// Every authentication method but the password (which can't be deleted). Graph v1.0 can't tell which is the default
// (beta only), and deleting the default while others exist fails with 400 "Cannot delete default method...": delete
// them all, then retry those refused as default once the others are gone.
import { M365Error } from '../../m365/errors';
import type { GraphRequest } from '../../m365/ports';
import type { Target } from '../plan';
import { alreadyFinished, enc, goneIsDone, recordOutcome, targetsOf, type StepContext, type StepRunner } from './context';

/** @odata.type → the typed collection under /users/{id}/authentication (https://learn.microsoft.com/graph/api/resources/authenticationmethods-overview). */
const COLLECTIONS: Record<string, string> = {
  '#microsoft.graph.phoneAuthenticationMethod': 'phoneMethods',
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': 'microsoftAuthenticatorMethods',
  '#microsoft.graph.fido2AuthenticationMethod': 'fido2Methods',
  '#microsoft.graph.softwareOathAuthenticationMethod': 'softwareOathMethods',
  '#microsoft.graph.emailAuthenticationMethod': 'emailMethods',
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': 'windowsHelloForBusinessMethods',
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': 'temporaryAccessPassMethods',
  '#microsoft.graph.platformCredentialAuthenticationMethod': 'platformCredentialMethods',
};
const PASSWORD = '#microsoft.graph.passwordAuthenticationMethod';

async function readMethods(ctx: StepContext): Promise<Target[]> {
  const methods = await ctx.graph.list<{ id: string; '@odata.type': string }>(`/users/${enc(ctx.people.leaver.id)}/authentication/methods`);
  return methods.filter((m) => m['@odata.type'] !== PASSWORD).map((m) => ({ id: m.id, label: m['@odata.type'], data: { odataType: m['@odata.type'] } }));
}

const isDefaultRefusal = (e: M365Error): boolean => e.status === 400 && /default/i.test(e.message);

export const removeMfaMethods: StepRunner = async (ctx) => {
  const leaverId = ctx.people.leaver.id;
  const targets = (await targetsOf(ctx, () => readMethods(ctx))).filter((t) => !alreadyFinished(ctx, t));
  const request = (m: Target): GraphRequest => ({ method: 'DELETE', url: `/users/${enc(leaverId)}/authentication/${COLLECTIONS[String(m.data?.odataType)]}/${enc(m.id)}` });
  let round = targets.filter((t) => COLLECTIONS[String(t.data?.odataType)] !== undefined);

  for (let attempt = 1; round.length > 0; attempt++) {
    const results = await ctx.graph.batch(round.map(request));
    const deferred: Target[] = [];
    await Promise.all(
      round.map((target, i) => {
        const result = results[i]!;
        if (!(result instanceof M365Error)) {
          return recordOutcome(ctx, target, { status: 'done', ...(attempt > 1 ? { detail: 'the default method, removed last' } : {}) });
        }
        if (attempt === 1 && isDefaultRefusal(result) && round.length > 1) {
          deferred.push(target);
          return Promise.resolve();
        }
        return recordOutcome(ctx, target, goneIsDone()(result));
      }),
    );
    round = deferred;
  }
  for (const m of targets.filter((t) => COLLECTIONS[String(t.data?.odataType)] === undefined)) {
    await ctx.ledger.record(m, { status: 'skipped', detail: `no v1.0 delete API for ${String(m.data?.odataType)}` });
  }
};
