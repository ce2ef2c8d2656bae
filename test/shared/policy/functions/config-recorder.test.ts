import { describe, expect, it } from 'vitest';
import { recorderSkips } from '../../../../shared/policy/functions/config-recorder.js';

const WATCHED = ['AWS::S3::Bucket', 'AWS::IAM::Role', 'AWS::KMS::Key'];
const recorder = (recordingGroup: unknown) => ({
  name: 'default',
  roleARN: 'arn:aws:iam::111122223333:role/config',
  recordingGroup,
});

describe('Function: recorderSkips', () => {
  it('lists the watched types an exclusion list names', () => {
    // Act & Assess
    expect(
      recorderSkips(
        recorder({
          allSupported: false,
          recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
          exclusionByResourceTypes: { resourceTypes: ['AWS::S3::Bucket', 'AWS::EC2::Instance'] },
        }),
        WATCHED,
      ),
    ).toEqual(['AWS::S3::Bucket']);
  });

  it('lists the watched types an inclusion list leaves out', () => {
    // Act & Assess
    expect(
      recorderSkips(
        recorder({
          allSupported: false,
          recordingStrategy: { useOnly: 'INCLUSION_BY_RESOURCE_TYPES' },
          resourceTypes: ['AWS::KMS::Key'],
        }),
        WATCHED,
      ),
    ).toEqual(['AWS::S3::Bucket', 'AWS::IAM::Role']);
    expect(recorderSkips(recorder({ allSupported: false, resourceTypes: [] }), WATCHED)).toEqual(WATCHED);
  });

  it('lists nothing for a recorder of all supported types, or without a recording group', () => {
    // Act & Assess
    expect(recorderSkips(recorder({ allSupported: true, includeGlobalResourceTypes: true }), WATCHED)).toEqual([]);
    expect(
      recorderSkips(recorder({ recordingStrategy: { useOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' } }), WATCHED),
    ).toEqual([]);
    expect(recorderSkips({ name: 'default' }, WATCHED)).toEqual([]);
    expect(recorderSkips(undefined, WATCHED)).toEqual([]);
  });
});
