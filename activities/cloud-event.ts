/**
 * CloudEvents 1.0 in structured JSON mode: the envelope every delivery to a partner system uses.
 * Written here rather than with the cloudevents SDK: the envelope is seven attributes, and one zod schema checks it.
 */
import { z } from 'zod';

export const CloudEventSchema = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string().min(1),
    source: z.string().min(1),
    type: z.string().regex(/^nl\.thuisindewijk(\.[a-z0-9-]+)+$/, {
      message: 'expected a type such as nl.thuisindewijk.escalatie',
    }),
    subject: z.string().min(1),
    time: z.iso.datetime(),
    datacontenttype: z.literal('application/json'),
    data: z.record(z.string(), z.unknown()),
  })
  .strict();
export type CloudEvent = z.infer<typeof CloudEventSchema>;

export const CLOUD_EVENT_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

/** Event types, one per kind of delivery. */
export const cloudEventTypes = {
  invitation: 'nl.thuisindewijk.uitnodiging',
  escalation: 'nl.thuisindewijk.escalatie',
  caseConsultation: 'nl.thuisindewijk.casuistiekoverleg',
  /** CONTRACT_GETEKEND becomes nl.thuisindewijk.traject.contract-getekend; waakvlamContact becomes …waakvlam-contact. */
  notification: (subject: string) =>
    `nl.thuisindewijk.traject.${subject
      .replace(/([a-z])([A-Z])/g, '$1-$2')
      .replace(/_/g, '-')
      .toLowerCase()}`,
} as const;

export function cloudEvent(fields: Omit<CloudEvent, 'specversion' | 'datacontenttype'>): CloudEvent {
  return CloudEventSchema.parse({ specversion: '1.0', datacontenttype: 'application/json', ...fields });
}
