/**
 * Forms generated from an event's data schema (the JSON Schema the may-do-now answer carries): text, numbers, dates,
 * enums as choices, yes/no, lists as comma-separated text, nested objects as fieldsets. The posted form is read back
 * into the event's data with the same schema, with Dutch messages for what is missing or wrong; the engine checks
 * the data again (InvalidEventData), so this is help for the user, not the rule.
 */
import { html, type Html } from './html';
import { label } from './dutch';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  items?: JsonSchema;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxLength?: number;
  default?: unknown;
}

const typeOf = (schema: JsonSchema): string | undefined =>
  Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;

/**
 * The form fields for a schema, named by dotted path (searchProfile.districts). A field in `preset` is already
 * decided: a hidden value, not asked.
 */
export function fieldsFor(
  schema: JsonSchema,
  idPrefix: string,
  prefix = '',
  preset: Record<string, string> = {},
): Html[] {
  return Object.entries(schema.properties ?? {}).map(([key, property]) => {
    const name = prefix ? `${prefix}.${key}` : key;
    if (preset[name] !== undefined)
      return html`<input type="hidden" name="${name}" value="${preset[name]}" />`;
    const id = `${idPrefix}-${name.replace(/\./g, '-')}`;
    const required = (schema.required ?? []).includes(key) && property.default === undefined;
    const req = required ? html` required aria-required="true"` : '';
    const text = label(key);
    const type = typeOf(property);
    if (type === 'object') {
      return html`<fieldset>
        <legend>${text}</legend>
        ${fieldsFor(property, idPrefix, name, preset)}
      </fieldset>`;
    }
    if (property.enum) {
      return html`<div class="field">
        <label for="${id}">${text}</label>
        <select id="${id}" name="${name}" ${req}>
          ${required ? '' : html`<option value="">—</option>`}
          ${property.enum.map((v) => html`<option value="${String(v)}">${String(v)}</option>`)}
        </select>
      </div>`;
    }
    if (type === 'boolean') {
      return html`<div class="field check">
        <input
          type="checkbox"
          id="${id}"
          name="${name}"
          value="true"
          ${property.default === true ? html` checked` : ''}
        />
        <label for="${id}">${text}</label>
      </div>`;
    }
    if (type === 'number' || type === 'integer') {
      const min = property.minimum ?? property.exclusiveMinimum;
      return html`<div class="field">
        <label for="${id}">${text}</label>
        <input
          type="number"
          inputmode="decimal"
          id="${id}"
          name="${name}"
          ${req}
          step="${type === 'integer' ? '1' : 'any'}"
          ${min !== undefined ? html` min="${min}"` : ''}${property.maximum !== undefined ? html` max="${property.maximum}"` : ''}
        />
      </div>`;
    }
    if (type === 'string' && property.format === 'date-time') {
      return html`<div class="field">
        <label for="${id}">${text}</label> <input type="datetime-local" id="${id}" name="${name}" ${req} />
      </div>`;
    }
    if (type === 'array') {
      return html`<div class="field">
        <label for="${id}">${text}</label> <input type="text" id="${id}" name="${name}" ${req} />
      </div>`;
    }
    if (key === 'note') {
      return html`<div class="field">
        <label for="${id}">${text}</label>
        <textarea
          id="${id}"
          name="${name}"
          rows="2"
          maxlength="${property.maxLength ?? 2000}"
          ${req}
        ></textarea>
      </div>`;
    }
    return html`<div class="field">
      <label for="${id}">${text}</label>
      <input
        type="text"
        id="${id}"
        name="${name}"
        ${req}${property.maxLength ? html` maxlength="${property.maxLength}"` : ''}
      />
    </div>`;
  });
}

export interface FormProblem {
  field: string;
  message: string;
}

/** Reads a posted form back into event data by the schema; Dutch problems for what cannot be read. */
export function dataFromForm(
  schema: JsonSchema,
  form: Record<string, unknown>,
  prefix = '',
): { data: Record<string, unknown>; problems: FormProblem[] } {
  const data: Record<string, unknown> = {};
  const problems: FormProblem[] = [];
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const name = prefix ? `${prefix}.${key}` : key;
    const required = (schema.required ?? []).includes(key) && property.default === undefined;
    const type = typeOf(property);
    if (type === 'object') {
      const nested = dataFromForm(property, form, name);
      data[key] = nested.data;
      problems.push(...nested.problems);
      continue;
    }
    const raw = form[name];
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (type === 'boolean') {
      data[key] = value === 'true';
      continue;
    }
    if (!value) {
      if (required) problems.push({ field: label(key), message: 'Dit veld is verplicht.' });
      continue;
    }
    if (property.enum) {
      if (!property.enum.includes(value))
        problems.push({ field: label(key), message: 'Kies een van de opties.' });
      else data[key] = value;
    } else if (type === 'number' || type === 'integer') {
      const n = Number(value.replace(',', '.'));
      if (!Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n)))
        problems.push({ field: label(key), message: 'Vul een getal in.' });
      else data[key] = n;
    } else if (type === 'string' && property.format === 'date-time') {
      const at = new Date(value);
      if (Number.isNaN(at.getTime()))
        problems.push({ field: label(key), message: 'Vul een geldige datum en tijd in.' });
      else data[key] = at.toISOString();
    } else if (type === 'array') {
      data[key] = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else if (property.pattern && !new RegExp(property.pattern).test(value)) {
      problems.push({ field: label(key), message: 'Deze waarde heeft niet de verwachte vorm.' });
    } else {
      data[key] = value;
    }
  }
  return { data, problems };
}
