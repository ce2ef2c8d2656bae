import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DriftTransition } from '../../../shared/drift/index.js';
import { MAX_BODY, MAX_SUBJECT, MAX_SUBJECT_RESOURCE, renderEmail } from '../../../shared/notify/email.js';
import { alertFacts, type RuleCatalog } from '../../../shared/notify/facts.js';
import { MAX_SLACK_RULES, renderGroupEmail, renderGroupSlack, runbookLink } from '../../../shared/notify/group.js';
import { validateSlackMessage } from '../../../shared/notify/slack.js';
import { toAscii } from '../../../shared/notify/text.js';
import { nextTransition, openedTransition, shippedCatalog } from './support.js';

/** Hostile resource names: control characters, newlines, Slack mentions and links, very long, any Unicode. */
const hostileName = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '<!channel>',
    '<!here|here> <@U123>',
    '<https://evil.example/login|Open in the AWS console>',
    'job\nOpen in the AWS console: https://evil.example/login',
    'job\r\n\u2028\u0000\u001b[31mred\u007f',
    'x'.repeat(5_000),
    '\ud83d\udea8'.repeat(60),
  ),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('<!channel>', '\n', '\u0000', '&', '`'))
    .map(([a, b]) => a + b),
);

const RULES = ['TPS-SM-01', 'TPS-SM-02', 'TPS-SM-05', 'TPS-SM-10', 'TPS-S3-04', 'TPS-IAM-01'];

/** The sample transition on a resource named `name`, for `ruleId` (and `kind`). */
function on(name: string, ruleId: string, kind: DriftTransition['kind'] = 'opened'): DriftTransition {
  const base = openedTransition();
  const t = kind === 'opened' ? base : nextTransition(base, kind, 1);
  t.record = { ...t.record, resourceId: name, resourceArn: undefined, ruleId, driftId: `d-${ruleId}` };
  return t;
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the assertion looks for control characters
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f\u2028\u2029]/;

let catalogPromise: Promise<RuleCatalog> | undefined;
const catalog = () => (catalogPromise ??= shippedCatalog());

describe('Function: subjects (resource first, under 100 characters)', () => {
  it('names the resource first, then severity and rule, within SNS rules, whatever the resource is called', async () => {
    const c = await catalog();
    fc.assert(
      fc.property(hostileName, fc.constantFrom(...RULES), fc.integer({ min: 1, max: 8 }), (name, ruleId, n) => {
        // Prepare
        const single = alertFacts(on(name, ruleId), c);
        const group = RULES.slice(0, Math.max(2, n % RULES.length)).map((r) => alertFacts(on(name, r), c));
        // Act
        const subjects = [renderEmail(single).subject, renderGroupEmail(group).subject];
        // Assess
        const resource = toAscii(single.resourceId);
        const prefix = resource.length > 0 ? resource.slice(0, MAX_SUBJECT_RESOURCE - 3) : 'unnamed resource';
        for (const s of subjects) {
          expect(s.length).toBeLessThanOrEqual(MAX_SUBJECT);
          expect(s).toMatch(/^[\x21-\x7e][\x20-\x7e]*$/);
          expect(s.startsWith(prefix), `${s} starts with the resource`).toBe(true);
          expect(s.endsWith(' [tpguard]')).toBe(true);
        }
        expect(subjects[0]).toContain(`: HIGH ${ruleId} drift opened`);
        expect(subjects[1]).toMatch(/: HIGH \d drift/);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the job name of the TPS-SM-10 subject (cut before it until issue 20)', async () => {
    // Act
    const { subject } = renderEmail(alertFacts(on('llm-finetune-jdoe-experiment-7', 'TPS-SM-10'), await catalog()));
    // Assess
    expect(subject).toMatch(/^llm-finetune-jdoe-experiment-7: HIGH TPS-SM-10 drift opened: Secret-like values/);
  });
});

describe('Function: renderGroupEmail and renderGroupSlack (hostile resource names)', () => {
  it('keep every value escaped and bounded: one console link, no mention, no control character, Slack limits', async () => {
    const c = await catalog();
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            hostileName,
            fc.constantFrom(...RULES),
            fc.constantFrom('opened', 'resolved') as fc.Arbitrary<'opened' | 'resolved'>,
          ),
          {
            minLength: 2,
            maxLength: 12,
          },
        ),
        (members) => {
          // Prepare
          const facts = members.map(([name, rule, kind]) => alertFacts(on(name, rule, kind), c));
          // Act
          const email = renderGroupEmail(facts, { runbookUrl: 'https://runbooks.example.com/{ruleId}' });
          const slack = renderGroupSlack(facts, { runbookUrl: 'https://runbooks.example.com/{ruleId}' });
          // Assess
          expect(email.text.length).toBeLessThanOrEqual(MAX_BODY);
          expect(
            email.text.split('\n').filter((l) => l.trimStart().startsWith('Open in the AWS console:')),
          ).toHaveLength(1);
          expect(email.text.replace(/\n/g, '')).not.toMatch(CONTROL);
          expect(validateSlackMessage(slack)).toEqual([]);
          for (const s of strings(slack)) {
            expect(s).not.toContain('<!channel>');
            expect(s).not.toContain('<!here');
            expect(s).not.toContain('<@U123>');
            expect(s).not.toContain('<https://evil.example');
            expect(s.replace(/\n/g, '')).not.toMatch(CONTROL);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('lists at most MAX_SLACK_RULES rules in Slack and counts the rest; the email lists them all', async () => {
    // Prepare
    const c = await catalog();
    const facts = Array.from({ length: 47 }, (_, i) => alertFacts(on('job', `TPS-X-${i}`), c));
    // Act
    const slack = renderGroupSlack(facts);
    const email = renderGroupEmail(facts);
    // Assess
    expect(validateSlackMessage(slack)).toEqual([]);
    expect(JSON.stringify(slack.blocks)).toContain(`…and ${47 - MAX_SLACK_RULES} more`);
    expect(email.text.match(/^\d+\. \[HIGH\] TPS-X-/gm)).toHaveLength(47);
  });

  it('links a rule runbook only through a URL that cannot break out of a Slack link', () => {
    // Act + Assess
    expect(runbookLink('https://wiki.example.com/r/{ruleId}', 'TPS-SM-10')).toBe(
      'https://wiki.example.com/r/TPS-SM-10',
    );
    expect(runbookLink('https://wiki.example.com/r/{ruleId}', 'A|B>C')).toBe('https://wiki.example.com/r/A%7CB%3EC');
    expect(runbookLink(undefined, 'TPS-SM-10')).toBeUndefined();
  });
});
