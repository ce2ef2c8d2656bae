/**
 * Text shaping shared by the renderers: bounded lengths, ASCII for SNS subjects, escaping
 * for Slack mrkdwn. Counted in UTF-16 code units, as Slack and AWS count characters.
 */

/**
 * `text` cut to at most `max` characters, ending with `…` (or `...` with `ascii`) when cut.
 * Never splits a surrogate pair.
 * @example truncate('abcdef', 4) // 'abc…'
 */
export function truncate(text: string, max: number, ascii = false): string {
  if (text.length <= max) return text;
  const ellipsis = ascii ? '...' : '…';
  let cut = Math.max(0, max - ellipsis.length);
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}${ellipsis}`;
}

/** Visible ASCII only: other characters become `?`, line breaks and controls become spaces. */
export function toAscii(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: this sanitizer exists to strip control characters
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .replace(/[^\x20-\x7e]/gu, '?')
      .replace(/ {2,}/g, ' ')
      .trim()
  );
}

/**
 * Escapes the three characters Slack gives a meaning to in mrkdwn, so that a resource name
 * like `<!channel>` or `<https://evil|click>` stays text.
 * @example escapeMrkdwn('<!here> & co') // '&lt;!here&gt; &amp; co'
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code in mrkdwn: backticks inside would end it, so they become quotes. */
export function mrkdwnCode(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, "'"))}\``;
}

/** Lines of a multi-line text (runbook, description), trimmed, without empty ones. */
export function lines(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/**
 * Hours between two ISO times, rounded down; `undefined` when either does not parse.
 * @example hoursBetween('2026-11-02T09:00:00Z', '2026-11-03T10:30:00Z') // 25
 */
export function hoursBetween(fromIso: string | undefined, to: Date): number | undefined {
  if (!fromIso) return undefined;
  const from = Date.parse(fromIso);
  if (Number.isNaN(from)) return undefined;
  return Math.floor((to.getTime() - from) / 3_600_000);
}

/** "3 days" / "5 hours" for an age in hours. */
export function describeAge(hours: number): string {
  if (hours >= 48) return `${Math.floor(hours / 24)} days`;
  if (hours === 1) return '1 hour';
  return `${Math.max(0, hours)} hours`;
}
