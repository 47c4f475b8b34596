import { MessageFactory } from 'botbuilder';
import { renderHelpCard } from '../cards';
import { COMMANDS } from '../verbs';
import type { Command } from './command';

/** `help`: a card listing every registered command (so the list can never advertise one that does not exist). */
export function helpCommand(listCommands: () => readonly Command[]): Command {
  return {
    name: COMMANDS.help,
    usage: 'help',
    description: 'Show what I can do.',
    async handle(context) {
      const commands = listCommands().map(({ usage, description }) => ({ usage, description }));
      await context.sendActivity(MessageFactory.attachment(renderHelpCard({ commands })));
    },
  };
}
