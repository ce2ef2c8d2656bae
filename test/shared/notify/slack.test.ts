import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertFacts, type AlertFacts } from '../../../shared/notify/facts.js';
import { renderSlack, SLACK_LIMITS, validateSlackMessage } from '../../../shared/notify/slack.js';
import type { SlackMessage } from '../../../shared/notify/types.js';
import { nextTransition, openedTransition, shippedCatalog } from './support.js';

const long = (n: number) => fc.string({ unit: 'grapheme', minLength: 0, maxLength: n });

describe('Function: renderSlack', () => {
  it('renders a Block Kit message with a text fallback, a severity emoji and a console button', async () => {
    // Prepare
    const facts = alertFacts(openedTransition(), await shippedCatalog());
    // Act
    const message = renderSlack(facts);
    // Assess
    expect(validateSlackMessage(message)).toEqual([]);
    expect(message.text).toMatch(
      /^:red_circle: \[HIGH\] Drift opened: TPS-SM-01 Training job runs without network isolation on sagemaker-training-job llm-finetune-jdoe-experiment-7/,
    );
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: ':red_circle: Drift opened: Training job runs without network isolation',
        emoji: true,
      },
    });
    const json = JSON.stringify(message);
    expect(json).toContain('*What to do*');
    expect(json).toContain('*Controls:* CSA AICM MDS-01');
    expect(message.blocks).toContainEqual(expect.objectContaining({ type: 'actions' }));
  });

  it('says who fixed a resolved drift, with a check mark instead of the severity colour', async () => {
    // Prepare
    const resolved = nextTransition(openedTransition(), 'resolved', 3, { resolvedBy: 'alice (tpguard drift resolve)' });
    // Act
    const message = renderSlack(alertFacts(resolved, await shippedCatalog()));
    // Assess
    expect(message.text.startsWith(':white_check_mark:')).toBe(true);
    expect(JSON.stringify(message.blocks)).toContain(
      'Resolved by alice (tpguard drift resolve) at 2026-11-02T12:47:05.000Z.',
    );
    expect(JSON.stringify(message.blocks)).not.toContain('What to do');
  });

  it('escapes mrkdwn so that a resource name cannot mention a channel or fake a link', async () => {
    // Prepare
    const t = openedTransition();
    t.record.resourceId = '<!channel> <https://evil.example|click> & co';
    // Act
    const message = renderSlack(alertFacts(t, await shippedCatalog()));
    // Assess
    const json = JSON.stringify(message);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil.example');
    expect(json).toContain('&lt;!channel&gt;');
  });

  it('stays within every Block Kit limit whatever the sizes of titles, ids, runbooks and evidence', async () => {
    // Prepare
    const base = alertFacts(openedTransition(), await shippedCatalog());
    const facts = fc.record({
      title: long(600),
      resourceId: long(5000),
      actor: long(3000),
      description: long(8000),
      runbook: fc.array(long(2000), { maxLength: 60 }),
      controls: fc.array(long(400), { maxLength: 40 }),
      evidence: fc.array(fc.tuple(long(300), long(3000)), { maxLength: 40 }),
      kind: fc.constantFrom('opened', 'resolved', 'reopened', 'suppressed', 'escalated' as const),
    });
    // Act + Assess
    fc.assert(
      fc.property(facts, (patch) => {
        const message = renderSlack({ ...base, ...patch } as AlertFacts);
        expect(validateSlackMessage(message)).toEqual([]);
        expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Function: validateSlackMessage', () => {
  it('reports each limit a webhook body breaks', () => {
    // Prepare
    const tooBig: SlackMessage = {
      text: '',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
        { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } },
        { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn' as const, text: 'f' })) },
        ...Array.from({ length: 48 }, () => ({ type: 'divider' as const })),
      ],
    };
    // Act
    const problems = validateSlackMessage(tooBig);
    // Assess
    expect(problems).toEqual([
      'text: the fallback text is required',
      'blocks: 51 (limit 50)',
      'blocks[0].text: 151 characters (limit 150)',
      'blocks[1].text: 3001 characters (limit 3000)',
      'blocks[2]: 11 fields (limit 10)',
    ]);
  });
});
