import fc from 'fast-check';

/**
 * How mutated events are delivered to the intake: alone, in an array, in a CloudTrail
 * log file, in SNS or SQS deliveries, or in arrays nested `depth` deep.
 */
export type Container =
  | { shape: 'single' }
  | { shape: 'array' }
  | { shape: 'records' }
  | { shape: 'sns' }
  | { shape: 'sqs' }
  | { shape: 'nested'; depth: number };

export const containerArb: fc.Arbitrary<Container> = fc.oneof(
  fc.constant({ shape: 'single' as const }),
  fc.constant({ shape: 'array' as const }),
  fc.constant({ shape: 'records' as const }),
  fc.constant({ shape: 'sns' as const }),
  fc.constant({ shape: 'sqs' as const }),
  fc.record({ shape: fc.constant('nested' as const), depth: fc.integer({ min: 1, max: 7 }) }),
);

/** JSON text of an event for a delivery; an event JSON cannot hold (too deep) becomes a number. */
function jsonOf(event: unknown): unknown {
  try {
    return JSON.stringify(event);
  } catch {
    return 42;
  }
}

function nest(value: unknown, depth: number): unknown {
  let v = value;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/**
 * Wraps `events` in a container. Returns the document and the `where` of every result
 * the intake owes for it (one per event, except arrays nested too deep: one for all).
 * @example wrap([a, b], { shape: 'array' }, 'in') // { document: [a, b], wheres: ['in:0', 'in:1'] }
 */
export function wrap(events: unknown[], c: Container, root: string): { document: unknown; wheres: string[] } {
  const each = events.map((_, i) => `${root}:${i}`);
  switch (c.shape) {
    case 'single':
      return { document: events[0], wheres: [root] };
    case 'array':
      return { document: events, wheres: each };
    case 'records':
      return { document: { Records: events }, wheres: each };
    case 'sns':
      return {
        document: {
          Records: events.map((e) => ({ EventSource: 'aws:sns', Sns: { Type: 'Notification', Message: jsonOf(e) } })),
        },
        wheres: each,
      };
    case 'sqs':
      return {
        document: { Records: events.map((e) => ({ eventSource: 'aws:sqs', messageId: 'm', body: jsonOf(e) })) },
        wheres: each,
      };
    case 'nested': {
      const prefix = `${root}${':0'.repeat(c.depth)}`;
      // The intake unwraps four levels; below that the whole subtree is one rejection.
      const wheres = c.depth <= 4 ? events.map((_, i) => `${prefix}:${i}`) : [`${root}${':0'.repeat(5)}`];
      return { document: nest(events, c.depth), wheres };
    }
  }
}
