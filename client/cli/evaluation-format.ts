/** What `tidw simulate` and `tidw report` share: their output formats, rendering and argument problems. */
import type { z } from 'zod';
import { formatReport, reportCsv, reportHtml, type EvaluationReport } from '../evaluation';
import type { FieldProblem } from '../errors';

/** What the commands need of the command line's input and output. */
export interface EvaluationIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Where `tidw report` finds the read model (TIDW_DATA_DIR); the process's environment when absent. */
  env?: Record<string, string | undefined>;
}

export const formats = ['text', 'json', 'csv', 'html'] as const;

const optionName: Record<string, string> = { offersPerMonth: '--offers-per-month' };
export const problemsOf = (error: z.ZodError, prefix = '--'): FieldProblem[] =>
  error.issues.map((i) => {
    const key = i.path.map(String).join('.');
    return { field: optionName[key] ?? (key ? `${prefix}${key}` : '(input)'), message: i.message };
  });

export function render(report: EvaluationReport, format: (typeof formats)[number]): string {
  switch (format) {
    case 'json':
      return JSON.stringify(report, null, 2);
    case 'csv':
      return reportCsv(report);
    case 'html':
      return reportHtml(report);
    case 'text':
      return formatReport(report);
  }
}

