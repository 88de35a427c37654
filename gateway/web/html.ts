/**
 * HTML without a template engine: a tagged template that escapes every value, and the page layout every page shares
 * (landmarks, a skip link, the navigation, htmx as progressive enhancement). Nothing a user typed reaches the page
 * unescaped.
 */
import type { Role } from '../../machines';
import { readsReports } from '../access';

/** Markup that is already safe: made by `html`, never by concatenating input. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escape = (value: string): string => value.replace(/[&<>"']/g, (c) => escapes[c]!);

type Value = Html | string | number | boolean | null | undefined | Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (value instanceof Html) return value.text;
  return escape(String(value));
}

/** A fragment of HTML; interpolated values are escaped, nested fragments kept. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}

export interface Signed {
  role: string;
  organisation?: string;
}

export interface LayoutOptions {
  title: string;
  /** Who is signed in; omitted on public pages. */
  who?: Signed;
  csrf?: string;
  /** The current path, to mark the navigation. */
  path?: string;
}

/** `public`: shown to everyone; `reports`: only to the roles that may read a covenant's evaluation. */
const nav: Array<{ href: string; label: string; public?: boolean; reports?: boolean }> = [
  { href: '/mijn-werk', label: 'Mijn werk' },
  { href: '/escalaties', label: 'Escalaties' },
  { href: '/agenda', label: 'Agenda' },
  { href: '/aanmelden', label: 'Aanmelden' },
  { href: '/zorgen', label: 'Zorgen van buren' },
  { href: '/rapportage', label: 'Rapportage', reports: true },
  { href: '/meld-een-zorg', label: 'Meld een zorg', public: true },
];

/** The whole page around a main part. */
export function page(options: LayoutOptions, main: Html): string {
  const { who, path } = options;
  return `<!doctype html>${
    html`<html lang="nl">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · Thuis in de Wijk</title>
        <link rel="stylesheet" href="/static/app.css" />
        <script src="/static/htmx/htmx.min.js" defer></script>
      </head>
      <body hx-boost="true">
        <a class="skip" href="#inhoud">Naar de inhoud</a>
        <header class="top">
          <p class="brand"><a href="/">Thuis in de Wijk</a></p>
          <nav aria-label="Hoofdmenu">
            <ul>
              ${nav
                .filter((item) => item.public || (who && (!item.reports || readsReports(who.role as Role))))
                .map(
                  (item) =>
                    html`<li>
                      <a href="${item.href}" ${path?.startsWith(item.href) ? html` aria-current="page"` : ''}
                        >${item.label}</a
                      >
                    </li>`,
                )}
            </ul>
          </nav>
          ${
            who
              ? html`<form method="post" action="/uitloggen" class="who">
                  <span>Ingelogd als ${who.role}${who.organisation ? html` · ${who.organisation}` : ''}</span>
                  <input type="hidden" name="_csrf" value="${options.csrf ?? ''}" />
                  <button type="submit">Uitloggen</button>
                </form>`
              : ''
          }
        </header>
        <main id="inhoud" tabindex="-1">
          <h1>${options.title}</h1>
          ${main}
        </main>
        <footer><p>Thuis in de Wijk · gemeente, zorgaanbieders en woningcorporaties samen</p></footer>
      </body>
    </html>`.text
  }`;
}

/** A date-time in Dutch, in the Netherlands' time zone. */
export function dutchDate(iso: string | null | undefined, withTime = false): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat('nl-NL', {
    dateStyle: 'long',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(iso));
}
