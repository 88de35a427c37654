/**
 * Aanmelden: a care provider registers a new client (pseudonymous reference, origin, region) through POST
 * /v1/trajecten; the API decides who may, and a refusal is shown with its rule.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { isParty } from '../../access';
import { isProblem, type Problem } from '../api';
import { signedIn, whoOf, type WebOptions } from '../context';
import { html, page } from '../html';

const FormSchema = z.object({
  clientRef: z.string().trim(),
  origin: z.enum(['BW', 'MO']),
  region: z.string(),
});

export const aanmeldenPage: FastifyPluginAsync<WebOptions> = async (app, options) => {
  const render = (
    user: NonNullable<Awaited<ReturnType<typeof signedIn>>>,
    problem?: Pick<Problem, 'detail' | 'rule'>,
  ) => {
    const regions = options.sdk.regions.filter((r) =>
      isParty(options.sdk.covenant(r), user.caller.actor.organisation),
    );
    return page(
      { title: 'Aanmelden', who: whoOf(user), csrf: user.csrf, path: '/aanmelden' },
      html`<p>
          Een zorgaanbieder meldt hier een nieuwe cliënt aan. Gebruik een pseudonieme referentie: geen naam,
          geen BSN.
        </p>
        ${
          problem
            ? html`<div class="error" role="alert">
                <h2>Aanmelden is niet gelukt</h2>
                ${problem.rule ? html`<p>Regel: <code>${problem.rule}</code></p>` : ''}
                <p>${problem.detail}</p>
              </div>`
            : ''
        }
        <form method="post" action="/aanmelden" class="card">
          <input type="hidden" name="_csrf" value="${user.csrf}" />
          <div class="field">
            <label for="clientRef">Cliëntreferentie</label>
            <input
              id="clientRef"
              name="clientRef"
              required
              pattern="[A-Za-z0-9][A-Za-z0-9_\\-]{2,63}"
              aria-describedby="clientRef-hint"
              autocomplete="off"
            />
            <p id="clientRef-hint" class="hint">3 tot 64 letters, cijfers, - of _, bijvoorbeeld clt-0042.</p>
          </div>
          <fieldset>
            <legend>Herkomst</legend>
            <div class="field check">
              <input type="radio" id="origin-BW" name="origin" value="BW" checked />
              <label for="origin-BW">Beschermd wonen (BW)</label>
            </div>
            <div class="field check">
              <input type="radio" id="origin-MO" name="origin" value="MO" />
              <label for="origin-MO">Maatschappelijke opvang (MO)</label>
            </div>
          </fieldset>
          <div class="field">
            <label for="region">Convenant</label
            ><select id="region" name="region" required>
              ${regions.map((r) => html`<option value="${r}">${options.sdk.covenant(r).name}</option>`)}
            </select>
          </div>
          <button type="submit">Aanmelden</button>
        </form>`,
    );
  };

  app.get('/aanmelden', async (request, reply) => {
    const user = await signedIn(options, request, reply);
    if (!user) return reply;
    return reply.type('text/html').send(render(user));
  });

  app.post('/aanmelden', { preHandler: app.csrfProtection.bind(app) }, async (request, reply) => {
    const user = await signedIn(options, request, reply);
    if (!user) return reply;
    const form = FormSchema.safeParse(request.body);
    if (!form.success) {
      return reply
        .code(400)
        .type('text/html')
        .send(render(user, { detail: 'Vul een referentie in en kies herkomst en convenant.' }));
    }
    const started = await user.api('POST', '/v1/trajecten', form.data);
    if (isProblem(started))
      return reply.code(started.status).type('text/html').send(render(user, started.body));
    return reply.redirect(`/trajecten/${form.data.clientRef}`, 303);
  });
};
