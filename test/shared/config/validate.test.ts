import { describe, expect, it } from 'vitest';
import { checkConfigText } from '../../../shared/config/index.js';

describe('Function: checkConfigText', () => {
  it('gives the configuration and no problem for a valid text', () => {
    const check = checkConfigText('owners:\n  teams: { vision: { email: [v@example.com] } }\n');
    expect(check.problems).toEqual([]);
    expect(check.config?.owners.teams.vision).toEqual({ email: ['v@example.com'] });
  });

  it('lists every YAML error with its line', () => {
    expect(checkConfigText('a: 1\na: 2\nb: [\n').problems).toEqual([
      'line 2: Map keys must be unique',
      expect.stringMatching(/^line 4: /),
    ]);
  });

  it('lists every schema issue with its path, not only the first', () => {
    expect(checkConfigText('scope: { foo: 1 }\napproved: { accounts: ["1"], kmsKey: [] }\n').problems).toEqual([
      'unknown key scope.foo',
      'approved.accounts.0: an account id is 12 digits',
      'unknown key approved.kmsKey',
    ]);
  });

  it('names teams that owners.resources and reviews.areaOwners point to but owners.teams lacks', () => {
    const text = [
      'owners:',
      '  teams: { vision: { email: [] } }',
      '  resources: [{ match: "a-*", team: vision }, { match: "b-*", team: nlp }]',
      'reviews:',
      '  reviewers: { email: [r@example.com] }',
      '  areaOwners: { sagemaker: vision, s3: fraud, iam: default }',
      '',
    ].join('\n');
    expect(checkConfigText(text).problems).toEqual([
      'owners.resources.1.team: no team "nlp" in owners.teams (its drift would go to owners.default)',
      'reviews.areaOwners.s3: no team "fraud" in owners.teams (the area would be reviewed by owners.default)',
    ]);
  });

  it('calls an empty text empty', () => {
    expect(checkConfigText('# nothing\n').problems).toEqual([
      'empty: no settings in it (write {} for the defaults, or run tpguard init for a starter)',
    ]);
  });
});
