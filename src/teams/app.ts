// Wires commands and card verbs to their handlers. The only file that knows teams-ai's Application routing.
import { MemoryStorage, type TurnContext } from 'botbuilder';
import { Application, type TeamsAdapter } from '@microsoft/teams-ai';
import type { Logger } from '../logger';
import { commandArgs, commandPattern, type Command } from './commands/command';
import { doctorCommand, type DoctorDeps } from './commands/doctor';
import { helpCommand } from './commands/help';
import { replyUnknown } from './commands/unknown';

export interface TeamsAppDeps {
  adapter: TeamsAdapter;
  botAppId?: string;
  logger: Logger;
  doctor?: DoctorDeps;
}

export function createTeamsApp(deps: TeamsAppDeps): Application {
  const app = new Application({
    adapter: deps.adapter,
    botAppId: deps.botAppId ?? '',
    // Turn state is not used for anything durable (requests live in the store); memory is enough.
    storage: new MemoryStorage(),
    removeRecipientMention: true,
    startTypingTimer: false,
  });

  const commands: Command[] = [];
  commands.push(helpCommand(() => commands));
  if (deps.doctor) {
    commands.push(doctorCommand(deps.doctor));
  }

  for (const command of commands) {
    app.message(commandPattern(command.name), async (context: TurnContext) => {
      deps.logger.info({ command: command.name, conversation: context.activity.conversation?.id, from: context.activity.from?.aadObjectId }, 'command');
      await command.handle(context, commandArgs(command.name, context.activity.text));
    });
  }
  // Registered last: teams-ai runs the first matching route.
  app.activity('message', replyUnknown);

  app.error(async (context, err) => {
    deps.logger.error({ err, conversation: context.activity.conversation?.id }, 'turn failed');
    await context.sendActivity('Something went wrong on my side; the error is in the bot log.');
  });
  return app;
}
