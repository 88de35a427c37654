/**
 * The activities: deliveries of invitations, notifications and escalations to the partners of a traject.
 * `createActivities(deps)` builds them with their configuration and logger, for the worker and for tests.
 */
import type { Logger } from 'pino';
import type { FactsStore } from '../platform/read-model';
import { cloudEvent, cloudEventTypes, type CloudEvent } from './cloud-event';
import { createDelivery, type DeliveryConfig } from './delivery';
import { invitationIcs, meetingUid } from './invitation';
import type {
  DeliveryBase,
  DeliveryResult,
  EscalationInput,
  FactsInput,
  FactsResult,
  InvitationInput,
  NotificationInput,
  TenancyActivities,
} from './types';

export interface ActivityDeps {
  delivery: DeliveryConfig;
  logger: Logger;
  fetch?: typeof fetch;
  /** The evaluation's read model; without one, `recordTrajectFacts` keeps nothing (and says `off`). */
  readModel?: FactsStore;
}

export type { TenancyActivities } from './types';
export * from './types';
export { EndpointsSchema, type DeliveryConfig, type Endpoints } from './delivery';
export { CloudEventSchema, cloudEventTypes, type CloudEvent } from './cloud-event';
export { invitationIcs, meetingUid } from './invitation';

export function createActivities(deps: ActivityDeps): TenancyActivities {
  const deliver = createDelivery(deps.delivery, deps.logger, deps.fetch);

  /** One CloudEvent per organisation among the recipients (the client is reached through its care provider). */
  function envelopes(
    input: DeliveryBase,
    type: string,
    data: Record<string, unknown>,
  ): Array<{ organisation: string; event: CloudEvent }> {
    const organisations = [
      ...new Set(input.recipients.flatMap((r) => (r.organisation ? [r.organisation] : []))),
    ];
    return organisations.map((organisation) => ({
      organisation,
      event: cloudEvent({
        id: `${input.id}#${organisation}`,
        source: `urn:thuisindewijk:${input.region}`,
        type,
        subject: input.trajectRef,
        time: input.occurredAt,
        data: { workflowId: input.workflowId, recipients: input.recipients, ...data },
      }),
    }));
  }

  async function send(
    input: DeliveryBase,
    type: string,
    data: Record<string, unknown>,
  ): Promise<DeliveryResult> {
    return deliver(envelopes(input, type, data));
  }

  return {
    sendInvitation: async (input: InvitationInput) => {
      return send(input, cloudEventTypes.invitation, {
        meeting: input.meeting,
        number: input.number,
        start: input.start,
        dueBy: input.dueBy,
        uid: meetingUid(input),
        sequence: input.sequence,
        ics: invitationIcs(input),
      });
    },
    sendNotification: async (input: NotificationInput) => {
      return send(input, cloudEventTypes.notification(input.subject), {
        subject: input.subject,
        ...input.data,
      });
    },
    sendEscalation: async (input: EscalationInput) => {
      return send(
        input,
        input.caseConsultation ? cloudEventTypes.caseConsultation : cloudEventTypes.escalation,
        {
          kind: input.kind,
          since: input.since,
          reference: input.reference,
        },
      );
    },
    recordTrajectFacts: (input: FactsInput): Promise<FactsResult> => {
      if (!deps.readModel) return Promise.resolve({ outcome: 'off' });
      // A store that is down throws: the activity retries (workflows/facts.ts), the traject carries on meanwhile.
      const outcome = deps.readModel.put(input);
      deps.logger.debug(
        { 'workflow.id': input.workflowId, 'facts.seq': input.seq, 'facts.outcome': outcome },
        'facts recorded',
      );
      return Promise.resolve({ outcome });
    },
  };
}
