// Typed render functions, one per template in this folder. Handlers never touch card JSON directly.
import type { Attachment } from 'botbuilder';
import { cardAttachment } from './render';
import helpTemplate from './help.json';

export interface HelpCardData {
  commands: { usage: string; description: string }[];
}

export function renderHelpCard(data: HelpCardData): Attachment {
  return cardAttachment(helpTemplate, data);
}
