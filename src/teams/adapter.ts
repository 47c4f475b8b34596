import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { BotIdentity } from '../config';
import type { Governor } from '../m365/governor';
import { governConnector } from './connector-governor';

/**
 * The Bot Framework adapter. With a bot identity, botbuilder validates the JWT of every incoming activity and
 * signs outgoing calls; without one (local modes only, enforced by config.ts) authentication is disabled.
 * With a governor, every Bot Connector send, update and delete of every turn (replies, typing, proactive messages)
 * takes a permit of its conversation's and the app's budget, and every 429 pauses them (connector-governor.ts).
 */
export function createAdapter(bot: BotIdentity | undefined, governor?: Governor): TeamsAdapter {
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
  const adapter = new TeamsAdapter({}, factory);
  if (governor) {
    adapter.use(governConnector(governor, adapter.ConnectorClientKey));
  }
  return adapter;
}
