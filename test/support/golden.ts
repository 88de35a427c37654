/** The golden histories: which scenarios are recorded, and where. */
import { join } from 'node:path';
import { scenarios, type Scenario } from './scenarios';

export const goldenDir = join(__dirname, '..', 'histories');

/** The Almere happy path with half a year more of waakvlam: three years from registration to closing. */
const almereHappy = scenarios.find((s) => s.name.startsWith('almere happy'))!;
export const threeYears: Scenario = {
  ...almereHappy,
  name: 'almere three years, continued as new',
  steps: [
    ...almereHappy.steps.slice(0, -1),
    { after: 'P6M' },
    almereHappy.steps[almereHappy.steps.length - 1]!,
  ],
};

const slug = (name: string) =>
  name
    .replace(/^'/, '')
    .split(':')[0]!
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/-$/, '');

/** Every golden history: the covenant scenarios, and one three-year traject that went through continue-as-new. */
export const goldenCases: Array<{ file: string; scenario: Scenario; historyLimit?: number }> = [
  ...scenarios.map((scenario) => ({ file: `${slug(scenario.name)}.json`, scenario })),
  { file: 'almere-three-years-continued-as-new.json', scenario: threeYears, historyLimit: 120 },
];
