/**
 * What a page says after an action (post, redirect, get): done, or refused with the rule and what is needed. Kept for
 * the one request after the redirect in a short-lived signed cookie.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ruleInDutch } from './dutch';
import type { Problem } from './api';
import type { FormProblem } from './forms';
import { html, type Html } from './html';

export interface Flash {
  done?: string;
  refused?: { title: string; rule?: string; detail: string; problems?: FormProblem[] };
}

const FLASH_COOKIE = 'tidw_melding';

export function readFlash(request: FastifyRequest, reply: FastifyReply): Flash | undefined {
  const raw = request.cookies[FLASH_COOKIE];
  if (!raw) return undefined;
  reply.clearCookie(FLASH_COOKIE, { path: '/' });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  try {
    return JSON.parse(unsigned.value) as Flash;
  } catch {
    return undefined;
  }
}

export function sendFlash(request: FastifyRequest, reply: FastifyReply, flash: Flash): void {
  reply.setCookie(FLASH_COOKIE, JSON.stringify(flash), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    signed: true,
    maxAge: 60,
  });
}

const refusalTitles: Record<string, string> = {
  NotAllowedInPhase: 'Dit kan nu niet',
  RoleNotPermitted: 'Dit mag uw rol niet',
  InvalidEventData: 'De gegevens kloppen niet',
  ValidationFailed: 'De gegevens kloppen niet',
};

export function refusalOf(problem: Problem): NonNullable<Flash['refused']> {
  return {
    title: refusalTitles[problem.code] ?? 'Niet gelukt',
    ...(problem.rule ? { rule: problem.rule } : {}),
    detail: problem.detail,
    ...(problem.issues?.length
      ? { problems: problem.issues.map((i) => ({ field: i.field ?? i.path ?? '', message: i.message })) }
      : {}),
  };
}

export function flashBlock(flash: Flash | undefined): Html | string {
  if (flash?.done) return html`<div class="ok" role="status">Vastgelegd: ${flash.done}.</div>`;
  const r = flash?.refused;
  if (!r) return '';
  return html`<div class="error" role="alert" tabindex="-1" id="weigering">
    <h2>${r.title}</h2>
    ${r.rule && ruleInDutch(r.rule) ? html`<p>${ruleInDutch(r.rule)}</p>` : ''}
    ${r.rule ? html`<p>Regel: <code>${r.rule}</code></p>` : ''}
    <p>${r.detail}</p>
    ${
      r.problems?.length
        ? html`<ul>
            ${r.problems.map((p) => html`<li>${p.field}: ${p.message}</li>`)}
          </ul>`
        : ''
    }
  </div>`;
}
