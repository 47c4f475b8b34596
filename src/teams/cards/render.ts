import { CardFactory, type Attachment } from 'botbuilder';
import * as ACData from 'adaptivecards-templating';

/** Expands a card template with adaptivecards-templating; `data` is bound to `$root`. */
export function expandCard(template: object, data: object): Record<string, unknown> {
  return new ACData.Template(template).expand({ $root: data }) as Record<string, unknown>;
}

export function cardAttachment(template: object, data: object): Attachment {
  return CardFactory.adaptiveCard(expandCard(template, data));
}
