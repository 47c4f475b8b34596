import { CardFactory, type Attachment } from 'botbuilder';
import * as ACData from 'adaptivecards-templating';

// adaptivecards-templating parses every "${...}" string with adaptive-expressions' ANTLR parser on every expansion
// (~5 ms a card). The parse is a pure function of the template string and its result is reusable, so keep it: the
// templates' strings are a small fixed set. Bounded, in case a caller ever expands unusual strings.
const parseInterpolated = ACData.Template.parseInterpolatedString.bind(ACData.Template);
const parsed = new Map<string, ReturnType<typeof parseInterpolated>>();
const MAX_CACHED = 5000;
ACData.Template.parseInterpolatedString = (text: string) => {
  let expression = parsed.get(text);
  if (expression === undefined) {
    expression = parseInterpolated(text);
    if (parsed.size < MAX_CACHED) {
      parsed.set(text, expression);
    }
  }
  return expression;
};

/** Expands a card template with adaptivecards-templating; `data` is bound to `$root`. */
export function expandCard(template: object, data: object): Record<string, unknown> {
  return new ACData.Template(template).expand({ $root: data }) as Record<string, unknown>;
}

export function cardAttachment(template: object, data: object): Attachment {
  return CardFactory.adaptiveCard(expandCard(template, data));
}

/** A card template as imported from this folder (only the body matters for composing). */
export interface CardTemplate {
  body: readonly object[];
}

/** Looks up a template's top-level body elements by their `id`, so one card can reuse another's parts (the plan's
 *  header, facts and steps appear in the progress and summary cards). Throws at load time on an unknown id. */
export function templateParts(template: CardTemplate): (id: string) => object {
  const byId = new Map<string, object>();
  for (const element of template.body) {
    const id = (element as { id?: unknown }).id;
    if (typeof id === 'string') {
      byId.set(id, element);
    }
  }
  return (id) => {
    const element = byId.get(id);
    if (!element) {
      throw new Error(`No body element with id "${id}" in the card template`);
    }
    return element;
  };
}

/** The template with another body: its own card-level properties (version, msteams, actions) stay. */
export function withBody<T extends CardTemplate>(template: T, body: readonly object[]): T {
  return { ...template, body };
}
