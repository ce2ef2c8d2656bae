import { LineCounter, parseDocument } from 'yaml';
import { formatIssue } from './data.js';
import { ConfigSchema, type TpguardConfig } from './schema.js';

/** What `tpguard config validate` found: the configuration when it loads, and every problem. */
export interface ConfigCheck {
  config?: TpguardConfig;
  /** One line each, `line N: message` (YAML) or `path: message` (schema, references). */
  problems: string[];
}

/**
 * Every problem of a configuration text, not only the first as loading reports: each YAML
 * error with its line, each schema issue with its path, and names that point nowhere (a team
 * in `owners.resources` or `reviews.areaOwners` that `owners.teams` does not define, which
 * loading silently sends to the default owner).
 * @example checkConfigText('owners:\n  resources: [{ match: "x-*", team: nobody }]\n').problems
 *   // ['owners.resources.0.team: no team "nobody" in owners.teams (its drift would go to owners.default)']
 */
export function checkConfigText(text: string): ConfigCheck {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => `line ${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`),
    };
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined)
    return { problems: ['empty: no settings in it (write {} for the defaults, or run tpguard init for a starter)'] };
  const parsed = ConfigSchema.safeParse(data);
  if (!parsed.success) return { problems: parsed.error.issues.map(formatIssue) };
  const config = parsed.data;
  return { config, problems: referenceProblems(config) };
}

function referenceProblems(config: TpguardConfig): string[] {
  const teams = config.owners.teams;
  const problems: string[] = [];
  const unknown = (team: string) => !Object.hasOwn(teams, team);
  for (const [i, m] of config.owners.resources.entries()) {
    if (unknown(m.team))
      problems.push(
        `owners.resources.${i}.team: no team "${m.team}" in owners.teams (its drift would go to owners.default)`,
      );
  }
  for (const [area, team] of Object.entries(config.reviews?.areaOwners ?? {})) {
    if (team !== 'default' && unknown(team))
      problems.push(
        `reviews.areaOwners.${area}: no team "${team}" in owners.teams (the area would be reviewed by owners.default)`,
      );
  }
  return problems;
}
