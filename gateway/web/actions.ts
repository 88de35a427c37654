/**
 * An action form of "Wat mag ik nu doen": one event the may-do-now answer lists for my role, as a form generated from
 * its data schema, posted to /trajecten/{ref}/acties/{type}. The traject page shows every one; the Escalaties page
 * shows the one that resolves an escalation, with the data the escalation already decides (which meeting) fixed.
 */
import { randomUUID } from 'node:crypto';
import type { CoordinatorEventType, EscalationKind } from '../../machines';
import { eventLabels } from './dutch';
import { fieldsFor, type JsonSchema } from './forms';
import { html, type Html } from './html';

export interface MayDoNow {
  events: Array<{ type: CoordinatorEventType; dataSchema: JsonSchema }>;
}

/** Where an action may return to, besides its traject: the pages that embed action forms. */
export const RETURN_PAGES = ['/escalaties'] as const;

export interface ActionFormOptions {
  /** Fields already decided: sent as hidden values instead of asked. */
  preset?: Record<string, string>;
  /** The page to come back to after the action (one of RETURN_PAGES); default the traject. */
  back?: (typeof RETURN_PAGES)[number];
  /** Extra words in the heading, to tell forms apart on a page with many. */
  about?: string;
}

export function actionForm(
  ref: string,
  event: MayDoNow['events'][number],
  csrf: string,
  options: ActionFormOptions = {},
): Html {
  const name = eventLabels[event.type] ?? event.type;
  const idPrefix = options.back ? `${ref}-${event.type}` : event.type;
  return html`<form method="post" action="/trajecten/${ref}/acties/${event.type}" class="card action">
    <h3>${name}${options.about ? html` <span class="hint">(${options.about})</span>` : ''}</h3>
    <input type="hidden" name="_csrf" value="${csrf}" />
    <input type="hidden" name="_sleutel" value="${randomUUID()}" />
    ${options.back ? html`<input type="hidden" name="_terug" value="${options.back}" />` : ''}
    ${fieldsFor(event.dataSchema, idPrefix, '', options.preset)}
    <button type="submit">${name}</button>
  </form>`;
}

/** The event that resolves each kind of escalation, with the data the escalation decides. */
export const resolvingEvent: Record<
  EscalationKind,
  { type: CoordinatorEventType; preset?: Record<string, string> }
> = {
  urgentiebesluitTeLaat: { type: 'URGENTIE_TOEGEKEND' },
  aanbodTeLaat: { type: 'WONING_AANGEBODEN' },
  kennismakingsgesprekGemist: { type: 'GESPREK_GEVOERD', preset: { meeting: 'kennismakingsgesprek' } },
  evaluatiegesprekGemist: { type: 'GESPREK_GEVOERD', preset: { meeting: 'evaluatiegesprek' } },
  overlastZonderReactie: { type: 'OVERLAST_OPGEPAKT' },
  overlastOnopgelost: { type: 'OVERLAST_AFGEHANDELD' },
  huurachterstandOnopgelost: { type: 'HUURACHTERSTAND_OPGELOST' },
  contactbudgetOverschreden: { type: 'BEGELEIDING_OPGESCHAALD' },
};
