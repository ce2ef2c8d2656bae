import { stepsSpent } from '../../shared/kernel/index.js';

/** What a call cost, measured without a clock. */
export interface Work<T> {
  result: T;
  /** Steps the domain code spent (shared/kernel/work.ts). */
  steps: number;
  /** Regular-expression executions (test, exec, match, replace, split all run through exec). */
  regexRuns: number;
  /** The longest text any of them ran on. */
  longestRegexInput: number;
  /** RegExp objects built at run time (`new RegExp(...)`, `RegExp(...)`), e.g. from event data. */
  regexBuilt: number;
}

/**
 * Runs `fn` and measures its work deterministically: the domain step counter, every regex
 * execution (RegExp.prototype.exec is wrapped for the call, which also takes test, match,
 * replace and split off their fast paths onto exec) and every RegExp built at run time.
 * @example const w = measureWork(() => globMatch('a*', 'ab')); expect(w.steps).toBeLessThan(10)
 */
export function measureWork<T>(fn: () => T): Work<T> {
  const proto = RegExp.prototype;
  const exec = proto.exec;
  const Original = globalThis.RegExp;
  let regexRuns = 0;
  let longestRegexInput = 0;
  let regexBuilt = 0;
  proto.exec = function (this: RegExp, text: string) {
    regexRuns++;
    const length = String(text).length;
    if (length > longestRegexInput) longestRegexInput = length;
    return exec.call(this, text);
  };
  globalThis.RegExp = new Proxy(Original, {
    construct(target, args, newTarget) {
      regexBuilt++;
      return Reflect.construct(target, args, newTarget === globalThis.RegExp ? target : newTarget);
    },
    apply(target, self, args) {
      regexBuilt++;
      return Reflect.apply(target, self, args);
    },
  });
  const before = stepsSpent();
  try {
    const result = fn();
    return { result, steps: stepsSpent() - before, regexRuns, longestRegexInput, regexBuilt };
  } finally {
    proto.exec = exec;
    globalThis.RegExp = Original;
  }
}

/** Work as one number: steps plus regex executions (each on a bounded input). */
export const workOf = (w: Work<unknown>): number => w.steps + w.regexRuns;

/**
 * Runs `fn` and counts the elements it takes out of arrays through the iteration protocol
 * (`for...of`, spread, destructuring): copying an array of n on every push costs n steps each
 * time. Replacing %ArrayIteratorPrototype%.next takes V8 off its fast paths onto this one.
 * @example countArrayIteration(() => [...[1, 2, 3]]).steps // 4
 */
export function countArrayIteration<T>(fn: () => T): { result: T; steps: number } {
  const proto = Object.getPrototypeOf([][Symbol.iterator]()) as { next: (...a: unknown[]) => unknown };
  const next = proto.next;
  let steps = 0;
  proto.next = function (this: unknown, ...args: unknown[]) {
    steps++;
    return next.apply(this, args);
  };
  try {
    return { result: fn(), steps };
  } finally {
    proto.next = next;
  }
}
