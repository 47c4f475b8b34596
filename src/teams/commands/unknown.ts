import type { TurnContext } from 'botbuilder';
import { COMMANDS } from '../verbs';

const MAX_ECHO = 60;

/** Any other text: one line pointing to `help`. */
export async function replyUnknown(context: TurnContext): Promise<void> {
  const text = (context.activity.text ?? '').trim();
  if (text === '') {
    return; // e.g. a card submit without text, or an empty mention: nothing to answer.
  }
  const shown = text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text;
  await context.sendActivity(`I don't know "${shown}". Type **${COMMANDS.help}** to see what I can do.`);
}
