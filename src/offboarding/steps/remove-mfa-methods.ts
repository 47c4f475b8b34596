// Every authentication method but the password (which can't be deleted), each through its kind's v1.0 DELETE; an
// external method through its reference (DELETE …/externalAuthenticationMethods/{id}/$ref,
// authentication-delete-externalauthenticationmethods). Two rounds: everything else first, then the mobile number —
// "a user can't have an alternateMobile number without a mobile number" and "the mobile phone is the default" of the
// phone methods (phoneauthenticationmethod-delete, phoneAuthenticationMethod), so when it is the user's default it is
// the last method left and can go. Graph v1.0 can neither tell nor change the default (beta only), and deleting it
// while other methods remain is refused (400 "Cannot delete default method with other methods configured..."): a
// method refused as the default is skipped with a follow-up for IT, not sent again.
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
  '#microsoft.graph.externalAuthenticationMethod': 'externalAuthenticationMethods',
};
const PASSWORD = '#microsoft.graph.passwordAuthenticationMethod';
const PHONE = '#microsoft.graph.phoneAuthenticationMethod';
const EXTERNAL = '#microsoft.graph.externalAuthenticationMethod';
/** The phone methods' ids are fixed by their type (phoneauthenticationmethod-delete): this one is `mobile`. */
const MOBILE_PHONE_ID = '3179e48a-750b-4051-897c-87b9720928f7';

export const DEFAULT_METHOD_DETAIL = 'default method: remove it by hand';

async function readMethods(ctx: StepContext): Promise<Target[]> {
  const methods = await ctx.graph.list<{ id: string; '@odata.type': string; phoneType?: string | null }>(`/users/${enc(ctx.people.leaver.id)}/authentication/methods`);
  return methods
    .filter((m) => m['@odata.type'] !== PASSWORD)
    .map((m) => ({
      id: m.id,
      label: m['@odata.type'].replace('#microsoft.graph.', '').replace(/AuthenticationMethod$/, ''), // as the planner labels them
      data: { odataType: m['@odata.type'], ...(m.phoneType ? { phoneType: m.phoneType } : {}) },
    }));
}

const typeOf = (t: Target): string => String(t.data?.odataType);
const isMobilePhone = (t: Target): boolean => typeOf(t) === PHONE && (t.data?.phoneType === 'mobile' || t.id.toLowerCase() === MOBILE_PHONE_ID);
const isDefaultRefusal = (e: M365Error): boolean => e.status === 400 && /default/i.test(e.message);

export const removeMfaMethods: StepRunner = async (ctx) => {
  const leaver = ctx.people.leaver;
  const targets = (await targetsOf(ctx, () => readMethods(ctx))).filter((t) => !alreadyFinished(ctx, t));
  const request = (m: Target): GraphRequest => {
    const url = `/users/${enc(leaver.id)}/authentication/${COLLECTIONS[typeOf(m)]}/${enc(m.id)}`;
    return { method: 'DELETE', url: typeOf(m) === EXTERNAL ? `${url}/$ref` : url };
  };
  const deletable = targets.filter((t) => COLLECTIONS[typeOf(t)] !== undefined);
  const rounds = [deletable.filter((t) => !isMobilePhone(t)), deletable.filter(isMobilePhone)];

  for (const round of rounds.filter((r) => r.length > 0)) {
    const results = await ctx.graph.batch(round.map(request));
    await Promise.all(
      round.map((target, i) => {
        const result = results[i]!;
        if (!(result instanceof M365Error)) {
          return recordOutcome(ctx, target, { status: 'done' });
        }
        if (isDefaultRefusal(result)) {
          return ctx.ledger.record(target, {
            status: 'skipped',
            detail: DEFAULT_METHOD_DETAIL,
            followUp: `${leaver.displayName}'s ${target.label} method is the default MFA method and Graph refused to delete it: remove it by hand in the Microsoft Entra admin center (the user's Authentication methods).`,
          });
        }
        return recordOutcome(ctx, target, goneIsDone()(result));
      }),
    );
  }
  for (const m of targets.filter((t) => COLLECTIONS[typeOf(t)] === undefined)) {
    await ctx.ledger.record(m, {
      status: 'skipped',
      detail: `no v1.0 delete API for ${typeOf(m)}`,
      followUp: `${leaver.displayName}'s ${m.label} method has no Graph v1.0 delete: remove it by hand in the Microsoft Entra admin center (the user's Authentication methods).`,
    });
  }
};
