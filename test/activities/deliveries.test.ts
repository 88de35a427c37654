/**
 * The activities on their own (MockActivityEnvironment): CloudEvents to a real local HTTP server with the status
 * codes partners answer, the outbox when no endpoint is configured, and invitations that calendar software can read.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import ICAL from 'ical.js';
import pino from 'pino';
import {
  CloudEventSchema,
  createActivities,
  type DeliveryResult,
  type Endpoints,
  type InvitationInput,
} from '../../activities';
import { partnerServer } from '../support/partner-server';
import { freePort } from '../support/processes';

const base = {
  workflowId: 'traject-client-0001',
  trajectRef: 'client-0001',
  region: 'almere',
  occurredAt: '2026-04-21T09:00:00.000Z',
  recipients: [
    { role: 'client' as const, organisation: null },
    { role: 'zorgaanbieder' as const, organisation: 'Kwintes' },
    { role: 'corporatie' as const, organisation: 'Ymere' },
  ],
};

const invitation: InvitationInput = {
  ...base,
  id: 'traject-client-0001/inviteKennismakingsgesprek-1-3',
  meeting: 'kennismakingsgesprek',
  number: 1,
  start: '2026-05-05T08:00:00.000Z',
  dueBy: '2026-05-19T09:00:00.000Z',
  sequence: 0,
  durationMinutes: 60,
};

function activities(endpoints: Endpoints = {}, outboxDir = mkdtempSync(join(tmpdir(), 'tidw-outbox-'))) {
  return {
    acts: createActivities({
      delivery: { endpoints, outboxDir, timeoutMs: 2000 },
      logger: pino({ level: 'silent' }),
    }),
    outboxDir,
  };
}

test('without endpoints, each organisation gets one CloudEvent file in the outbox', async () => {
  const { acts, outboxDir } = activities();
  const result: DeliveryResult = await new MockActivityEnvironment().run(acts.sendInvitation, invitation);
  expect(result).toEqual({
    delivered: [
      { organisation: 'Kwintes', via: 'outbox' },
      { organisation: 'Ymere', via: 'outbox' },
    ],
    rejected: [],
  });
  const files = readdirSync(outboxDir).sort();
  expect(files).toHaveLength(2);
  const written = JSON.parse(readFileSync(join(outboxDir, files[0]!), 'utf8')) as {
    organisation: string;
    event: unknown;
  };
  const event = CloudEventSchema.parse(written.event);
  expect(event).toMatchObject({
    type: 'nl.thuisindewijk.uitnodiging',
    subject: 'client-0001',
    source: 'urn:thuisindewijk:almere',
  });
  // A retry writes the same files again, not new ones.
  await new MockActivityEnvironment().run(acts.sendInvitation, invitation);
  expect(readdirSync(outboxDir)).toHaveLength(2);
});

test('the invitation is a real iCalendar event: it parses back with the meeting, the time and every party', async () => {
  const { acts, outboxDir } = activities();
  await new MockActivityEnvironment().run(acts.sendInvitation, invitation);
  const file = readdirSync(outboxDir)[0]!;
  const { event } = JSON.parse(readFileSync(join(outboxDir, file), 'utf8')) as {
    event: { data: { ics: string; uid: string } };
  };
  const calendar = new ICAL.Component(ICAL.parse(event.data.ics) as unknown[]);
  expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
  const vevent = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
  expect(vevent.summary).toBe('Kennismakingsgesprek');
  expect(vevent.uid).toBe(event.data.uid);
  expect(vevent.startDate.toJSDate().toISOString()).toBe(invitation.start);
  expect(vevent.endDate.toJSDate().toISOString()).toBe('2026-05-05T09:00:00.000Z');
  const attendees = vevent.attendees.map((a) => String(a.getParameter('cn')));
  expect(attendees).toEqual(['client client-0001', 'Kwintes (zorgaanbieder)', 'Ymere (corporatie)']);
  expect(vevent.component.getFirstPropertyValue('sequence')).toBe(0);
});

describe('over HTTP', () => {
  test('a partner that answers 2xx gets a structured CloudEvent with its headers', async () => {
    const partner = await partnerServer(() => 202);
    const { acts } = activities({
      Kwintes: { url: partner.url('/kwintes'), headers: { authorization: 'Bearer kw' } },
      Ymere: { url: partner.url('/ymere'), headers: {} },
    });
    const result: DeliveryResult = await new MockActivityEnvironment().run(acts.sendEscalation, {
      ...base,
      id: 'traject-client-0001/escalate-1-9',
      kind: 'aanbodTeLaat' as const,
      since: base.occurredAt,
      caseConsultation: false,
      reference: null,
    });
    expect(result.delivered).toEqual([
      { organisation: 'Kwintes', via: 'http', status: 202 },
      { organisation: 'Ymere', via: 'http', status: 202 },
    ]);
    expect(partner.received.map((r) => [r.path, r.contentType, r.authorization])).toEqual([
      ['/kwintes', 'application/cloudevents+json; charset=utf-8', 'Bearer kw'],
      ['/ymere', 'application/cloudevents+json; charset=utf-8', undefined],
    ]);
    expect(CloudEventSchema.parse(partner.received[0]!.body)).toMatchObject({
      id: 'traject-client-0001/escalate-1-9#Kwintes',
      type: 'nl.thuisindewijk.escalatie',
      data: { kind: 'aanbodTeLaat' },
    });
    await partner.close();
  });

  test.each([
    [408, 'DeliveryFailed'],
    [429, 'DeliveryFailed'],
    [500, 'DeliveryFailed'],
    [503, 'DeliveryFailed'],
  ])(
    'HTTP %i heals: the activity fails retryably (%s) so that Temporal tries again',
    async (status, type) => {
      const partner = await partnerServer(() => status);
      const { acts } = activities({ Kwintes: { url: partner.url('/kwintes'), headers: {} } });
      const failure = await new MockActivityEnvironment()
        .run(acts.sendNotification, {
          ...base,
          recipients: [base.recipients[1]!],
          id: 'x/notifyParties-1-1',
          subject: 'CONTRACT_GETEKEND',
          data: {},
        })
        .then(
          () => null,
          (err: unknown) => err,
        );
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).nonRetryable).toBe(false);
      expect((failure as ApplicationFailure).type).toBe(type);
      await partner.close();
    },
  );

  test.each([400, 401, 404, 422])(
    'HTTP %i will not heal: that partner is reported as rejecting, the others still get it',
    async (status) => {
      const partner = await partnerServer((path) => (path === '/kwintes' ? status : 200));
      const { acts } = activities({
        Kwintes: { url: partner.url('/kwintes'), headers: {} },
        Ymere: { url: partner.url('/ymere'), headers: {} },
      });
      const result: DeliveryResult = await new MockActivityEnvironment().run(acts.sendNotification, {
        ...base,
        id: 'x/notifyParties-1-2',
        subject: 'CONTRACT_GETEKEND',
        data: {},
      });
      expect(result).toEqual({
        delivered: [{ organisation: 'Ymere', via: 'http', status: 200 }],
        rejected: [{ organisation: 'Kwintes', status }],
      });
      expect(partner.received.map((r) => r.path)).toEqual(['/kwintes', '/ymere']);
      await partner.close();
    },
  );

  test('a partner that is not listening is a retryable failure', async () => {
    const { acts } = activities({
      Kwintes: { url: `http://127.0.0.1:${await freePort()}/nobody`, headers: {} },
    });
    await expect(
      new MockActivityEnvironment().run(acts.sendNotification, {
        ...base,
        recipients: [base.recipients[1]!],
        id: 'x/n-1-1',
        subject: 'herinnering',
        data: {},
      }),
    ).rejects.toThrow();
  });
});
