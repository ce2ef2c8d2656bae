import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/index.js';
import { readInputs } from '../../../shared/events/index.js';
import { createEvaluator, type Evaluator, evaluate, loadPolicyPack } from '../../../shared/policy/index.js';
import { intake, type IntakeResult, type Observation } from '../../../shared/sources/index.js';
import { asHistoryItem, configChangeEvents, configFile } from '../../helpers/config-snapshot.js';
import { CORPUS_DIR, collect, type Json, REPO_ROOT, tempDir } from '../../helpers/fixtures.js';

let ev: Evaluator;

beforeAll(async () => {
  const pack = await loadPolicyPack(join(REPO_ROOT, 'policies'));
  ev = createEvaluator(pack, await loadConfig(join(REPO_ROOT, 'policies', 'test.config.yaml')));
});

const observations = (results: IntakeResult[]): Observation[] =>
  results.map((r) => {
    if (!r.ok) throw new Error(`${r.rejection.where}: ${r.rejection.reason}`);
    return r.observation;
  });

/** Every verdict of an observation: rule, verdict, resource and whether a pass resolves. */
const verdicts = (obs: Observation) =>
  evaluate(ev, obs)
    .map((f) => `${f.ruleId} ${f.verdict} ${f.resource.type}/${f.resource.id}${f.resolves ? ' resolves' : ''}`)
    .sort();

describe('Source: AWS Config snapshot and history files', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });

  afterEach(async () => {
    await cleanup();
  });

  it('evaluates every item of a snapshot exactly as the same item in a Config change event', async () => {
    // Prepare: the Config change events of events/, their items in a snapshot file (history names)
    const changes = configChangeEvents();
    const file = join(dir, '111122223333_Config_eu-west-1_ConfigSnapshot_20261102T060000Z_abc.json.gz');
    await writeFile(
      file,
      gzipSync(
        JSON.stringify(
          configFile(
            changes.map((c) => asHistoryItem(c.event.detail.configurationItem)),
            'abc',
          ),
        ),
      ),
    );

    // Act
    const fromEvents = changes.map((c) => observations([...intake(c.event, c.file)])[0]!);
    const fromSnapshot = observations(await collect(readInputs([file])));

    // Assess: same rules, same verdicts, same resource ids, same account, region and time
    expect(changes.length).toBeGreaterThanOrEqual(10);
    expect(fromSnapshot.length).toBe(changes.length);
    let judged = 0;
    for (const [i, o] of fromSnapshot.entries()) {
      const e = fromEvents[i]!;
      expect(verdicts(o), changes[i]!.file).toEqual(verdicts(e));
      expect([o.account, o.region, o.eventTime, o.resources], changes[i]!.file).toEqual([
        e.account,
        e.region,
        e.eventTime,
        e.resources,
      ]);
      judged += verdicts(o).length;
    }
    expect(judged).toBeGreaterThan(changes.length); // the comparison is not of empty lists
    expect(fromSnapshot.flatMap(verdicts).some((v) => v.includes(' violation '))).toBe(true);
  });

  it('streams a snapshot record by record with the same result as reading it whole', async () => {
    // Prepare
    const items = configChangeEvents().map((c) => asHistoryItem(c.event.detail.configurationItem));
    const file = join(dir, 'snapshot.json');
    await writeFile(file, JSON.stringify(configFile(items, 'stream-1'), null, 2));

    // Act
    const whole = await collect(readInputs([file]));
    const streamed = await collect(readInputs([file], { wholeFileBytes: -1 }));

    // Assess
    expect(streamed.map((r) => (r.ok ? [r.where, r.observation.eventId, r.observation.origin] : r))).toEqual(
      whole.map((r) => (r.ok ? [r.where, r.observation.eventId, r.observation.origin] : r)),
    );
    expect(streamed.length).toBe(items.length);
  });

  it('marks snapshot items as a baseline batch and history items as changes', async () => {
    // Prepare
    const item = asHistoryItem(configChangeEvents()[0]!.event.detail.configurationItem);
    await writeFile(join(dir, 'snapshot.json'), JSON.stringify(configFile([item], 'f1e2')));
    await writeFile(join(dir, 'history.json'), JSON.stringify(configFile([item])));

    // Act
    const [history, snapshot] = observations(await collect(readInputs([dir])));

    // Assess
    expect(snapshot!.origin).toEqual({
      kind: 'baseline',
      batchId: 'config-snapshot-f1e2',
      label: '111122223333/eu-west-1',
    });
    expect(history!.origin).toBeUndefined();
    expect(history!.eventId).toBe(snapshot!.eventId); // one configuration item, one event id
  });

  it('reads the header streamed before the items, and treats a header after them as absent', async () => {
    // Prepare: AWS writes the header first; a file written the other way round is read as history
    const item = asHistoryItem(configChangeEvents()[0]!.event.detail.configurationItem);
    await writeFile(
      join(dir, 'late.json'),
      `{"fileVersion":"1.0","configurationItems":[${JSON.stringify(item)}],"configSnapshotId":"late"}`,
    );
    await writeFile(
      join(dir, 'early.json'),
      `{"fileVersion":"1.0","configSnapshotId":"early","configurationItems":[${JSON.stringify(item)}]}`,
    );

    // Act
    const [early, late] = observations(await collect(readInputs([dir], { wholeFileBytes: -1 })));

    // Assess
    expect(early!.origin?.batchId).toBe('config-snapshot-early');
    expect(late!.origin).toBeUndefined();
  });

  it('rejects a malformed item alone, naming it, and reads its neighbours', async () => {
    // Prepare
    const item = asHistoryItem(configChangeEvents()[0]!.event.detail.configurationItem);
    await writeFile(
      join(dir, 'bad.json'),
      JSON.stringify(configFile([item, 'oops' as unknown as Json, { resourceType: 'AWS::S3::Bucket' }, item], 's')),
    );

    // Act
    const results = await collect(readInputs([join(dir, 'bad.json')], { wholeFileBytes: -1 }));

    // Assess
    expect(results.map((r) => (r.ok ? `${r.where} ok` : `${r.rejection.where} ${r.rejection.reason}`))).toEqual([
      `${join(dir, 'bad.json')}:0 ok`,
      `${join(dir, 'bad.json')}:1 expected a JSON object, got string`,
      `${join(dir, 'bad.json')}:2 configuration item without resourceType/resourceId`,
      `${join(dir, 'bad.json')}:3 ok`,
    ]);
  });

  it.each(['AWS_S3_Bucket', 'AWS_IAM_Role', 'AWS_ECR_Repository', 'AWS_KMS_Key'])(
    'normalizes the public %s item (history names) to the names of a change notification',
    (name) => {
      // Prepare
      const item = JSON.parse(readFileSync(join(CORPUS_DIR, 'aws-config-rdk', `${name}.json`), 'utf8')) as Json;

      // Act
      const [r] = [...intake(configFile([item], 'corpus'), name)];

      // Assess
      expect(r!.ok).toBe(true);
      const obs = (r as Extract<IntakeResult, { ok: true }>).observation;
      expect(obs.account).toBe(item.accountId ?? item.awsAccountId);
      expect(obs.resources[0]!.arn).toBe(item.arn ?? item.ARN);
      expect(obs.detail).toHaveProperty('awsAccountId');
      expect(obs.detail).not.toHaveProperty('accountId');
      expect(obs.detail).not.toHaveProperty('arn');
      for (const rel of (obs.detail.relationships ?? []) as Json[]) expect(rel).toHaveProperty('name');
    },
  );
});
