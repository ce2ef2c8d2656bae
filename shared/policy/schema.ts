import * as z from 'zod';
import { SEVERITIES } from '../kernel/index.js';
import { RESOURCE_TYPE_NAMES, TriggerSchema } from '../sources/index.js';

/**
 * `cannot-evaluate`: the event lacks what the rule needs (a field absent, truncated);
 * `not-configured`: the configuration lacks it (an `approved` list still empty).
 */
export const VERDICTS = ['violation', 'pass', 'cannot-evaluate', 'not-configured', 'not-applicable'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The order keys must appear in, so that every rule file reads the same way. */
export const RULE_KEY_ORDER = [
  'id',
  'title',
  'severity',
  'on',
  'resource',
  'description',
  'runbook',
  'references',
  'controls',
  'threats',
  'violation',
  'resolve',
  'tests',
] as const;

/**
 * The schemas of a rule file, built on first use: building zod schemas costs at import, and the
 * deployed functions, which load a pack snapshot the build validated, never need them
 * (`npm run bench -- --only cold`).
 */
function buildRuleSchema() {
  const TestCaseSchema = z.strictObject({
    name: z.string().min(1),
    event: z.string().min(1),
    expect: z.enum(VERDICTS),
    /** Another configuration for this case, relative to the project root. */
    config: z.string().optional(),
  });
  const mappingList = z.array(z.string().min(1));
  return z.strictObject({
    id: z.string().regex(/^TPS-[A-Z0-9]+-\d{2,3}$/, 'id looks like TPS-<AREA>-<NN>'),
    title: z.string().min(5).max(120),
    severity: z.enum(SEVERITIES),
    on: TriggerSchema,
    resource: z.strictObject({
      type: z.enum(RESOURCE_TYPE_NAMES as [string, ...string[]]),
      /** CEL for the resource id; without it each resource of `type` in the event is evaluated. */
      id: z.string().min(1).optional(),
      /**
       * CEL giving the parts of the resource the rule judges one by one (a list of strings, `resource`
       * bound): each is its own drift, `<id> (<facet>)`, so that revoking port 8888 does not resolve the
       * drift of port 22, nor detaching one policy that of another. An empty list judges the resource.
       */
      facets: z.string().min(1).optional(),
    }),
    description: z.string().min(1).optional(),
    runbook: z.string().min(1),
    references: z.array(z.string().min(1)).default([]),
    controls: z.strictObject({
      aicm: mappingList.refine((l) => l.includes('MDS-01'), 'controls.aicm must include MDS-01'),
      iso42001: mappingList.optional(),
      euAiAct: mappingList.optional(),
      nistAi600: mappingList.optional(),
      bsiAic4: mappingList.optional(),
      bsiC5: mappingList.optional(),
    }),
    threats: z.strictObject({ atlas: mappingList.default([]), owasp: mappingList.default([]) }),
    violation: z.string().min(1),
    resolve: z.string().min(1).optional(),
    tests: z.array(TestCaseSchema).min(2, 'a rule needs at least two test cases'),
  });
}

let ruleSchemaBuilt: ReturnType<typeof buildRuleSchema> | undefined;

/** @example ruleSchema().safeParse(YAML.parse(text)) */
export const ruleSchema = (): ReturnType<typeof buildRuleSchema> => {
  ruleSchemaBuilt ??= buildRuleSchema();
  return ruleSchemaBuilt;
};

export type Rule = z.infer<ReturnType<typeof buildRuleSchema>>;
export type TestCase = Rule['tests'][number];
