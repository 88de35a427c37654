/**
 * Meeting invitations as iCalendar (RFC 5545) events, written by the `ics` library. Attendees are the covenant's
 * parties by role and organisation; the client appears under its pseudonymous reference only.
 */
import { createEvent, type Attendee } from 'ics';
import type { InvitationInput, Recipient } from './types';

const titles = {
  kennismakingsgesprek: 'Kennismakingsgesprek',
  evaluatiegesprek: 'Evaluatiegesprek',
} as const;

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A calendar address per recipient; `.invalid` (RFC 2606) until partners configure their own. */
function attendee(recipient: Recipient, trajectRef: string): Attendee {
  const name = recipient.organisation
    ? `${recipient.organisation} (${recipient.role})`
    : `client ${trajectRef}`;
  const mailbox = recipient.organisation
    ? `${recipient.role}@${slug(recipient.organisation)}.invalid`
    : `${slug(trajectRef)}@client.invalid`;
  return {
    name,
    email: mailbox,
    rsvp: true,
    role: 'REQ-PARTICIPANT',
    partstat: 'NEEDS-ACTION',
    cutype: 'INDIVIDUAL',
  };
}

/** The stable UID of one meeting: the first invitation and every update share it. */
export function meetingUid(input: Pick<InvitationInput, 'workflowId' | 'meeting' | 'number'>): string {
  return `${input.workflowId}-${input.meeting}-${input.number}@thuisindewijk`;
}

/** The .ics text of an invitation (METHOD:REQUEST); a higher SEQUENCE updates an earlier one. */
export function invitationIcs(input: InvitationInput): string {
  const start = new Date(input.start);
  const { error, value } = createEvent({
    productId: 'thuis-in-de-wijk',
    method: 'REQUEST',
    uid: meetingUid(input),
    sequence: input.sequence,
    title:
      input.meeting === 'evaluatiegesprek'
        ? `${titles[input.meeting]} ${input.number}`
        : titles[input.meeting],
    description: `Traject ${input.trajectRef} (${input.region}). Uiterlijk te voeren op ${input.dueBy.slice(0, 10)}.`,
    start: start.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    duration: { minutes: input.durationMinutes },
    status: 'CONFIRMED',
    organizer: { name: 'Thuis in de Wijk', email: 'planning@thuisindewijk.invalid' },
    attendees: input.recipients.map((r) => attendee(r, input.trajectRef)),
    classification: 'CONFIDENTIAL',
  });
  if (error || !value) throw error ?? new Error('ics produced no calendar');
  return value;
}
