import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { BotIdentity } from '../config';

/**
 * The Bot Framework adapter. With a bot identity, botbuilder validates the JWT of every incoming activity and
 * signs outgoing calls; without one (local modes only, enforced by config.ts) authentication is disabled.
 */
export function createAdapter(bot: BotIdentity | undefined): TeamsAdapter {
  const factory = new ConfigurationServiceClientCredentialFactory(
    bot === undefined
      ? {}
      : {
          MicrosoftAppId: bot.appId,
          // A managed identity has no password; botbuilder refuses one for UserAssignedMsi.
          MicrosoftAppPassword: bot.type === 'UserAssignedMsi' ? undefined : bot.password,
          MicrosoftAppType: bot.type,
          MicrosoftAppTenantId: bot.tenantId,
        },
  );
  return new TeamsAdapter({}, factory);
}
