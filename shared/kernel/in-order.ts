/**
 * Maps items with at most `concurrency` calls of `fn` under way, yielding the results in the
 * items' order: item i+1..i+n are fetched while item i is consumed, so reading overlaps
 * processing and memory holds at most `concurrency` results.
 * @example for await (const body of inOrder(keys, 8, (k) => s3.read(k))) parse(body)
 */
export async function* inOrder<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<{ item: T; result: PromiseSettledResult<R> }> {
  const width = Math.max(1, Math.floor(concurrency));
  const queue: { item: T; result: Promise<PromiseSettledResult<R>> }[] = [];
  const settle = (item: T) =>
    fn(item).then(
      (value): PromiseSettledResult<R> => ({ status: 'fulfilled', value }),
      (reason: unknown): PromiseSettledResult<R> => ({ status: 'rejected', reason }),
    );
  for await (const item of items) {
    queue.push({ item, result: settle(item) });
    if (queue.length >= width) {
      const head = queue.shift()!;
      yield { item: head.item, result: await head.result };
    }
  }
  while (queue.length > 0) {
    const head = queue.shift()!;
    yield { item: head.item, result: await head.result };
  }
}
