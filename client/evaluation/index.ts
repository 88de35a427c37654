/**
 * The covenant's evaluation: per-traject facts from event logs, the half-yearly figures, the what-if simulation,
 * and the report in text, JSON, CSV and HTML.
 */
export * from './facts';
export {
  factsFromEventLog,
  TrajectFactsBuilder,
  type TrajectEventLog,
  type FactsOptions,
} from './facts-from-log';
export { evaluationFigures, FiguresSchema, type Figures, type FiguresOptions } from './figures';
export { parsePeriod, halfYearsBetween, PeriodSchema, type Period } from './period';
export {
  comparableParameters,
  RatesSchema,
  ScenarioSchema,
  type Rates,
  type Scenario,
  type ScenarioInput,
} from './scenario';
export { simulate, type SimulationResult } from './simulate';
export {
  comparisonRows,
  CSV_COLUMNS,
  EvaluationReportSchema,
  flattenFigures,
  REPORT_FORMAT,
  reportCsv,
  scenarioReport,
  simulationReport,
  type EvaluationReport,
  type ScenarioReport,
} from './report';
export { formatFigures, formatReport } from './text';
export { barChart, reportCharts, reportFigures, reportHtml, type BarChart } from './html';
export { liveReport, reportFromStore, type LiveReportOptions } from './live';
