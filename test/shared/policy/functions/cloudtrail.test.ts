import { describe, expect, it } from 'vitest';
import { logsManagementWrites } from '../../../../shared/policy/functions/cloudtrail.js';
import { loadJson, type Json } from '../../../helpers/fixtures.js';

const req = (file: string) => loadJson<Json>(`events/cloudtrail/${file}`).detail.requestParameters;

describe('Function: logsManagementWrites', () => {
  it('keeps management events with basic or advanced selectors', () => {
    expect(logsManagementWrites(req('cloudtrail-put-event-selectors-all-compliant.json'))).toBe(true);
    expect(logsManagementWrites(req('cloudtrail-put-event-selectors-advanced-compliant.json'))).toBe(true);
    expect(logsManagementWrites({ eventSelectors: [{ readWriteType: 'WriteOnly' }] })).toBe(true);
  });

  it('reports selectors that drop write management events', () => {
    expect(logsManagementWrites(req('cloudtrail-put-event-selectors-no-management-violation.json'))).toBe(false);
    expect(
      logsManagementWrites({ eventSelectors: [{ includeManagementEvents: true, readWriteType: 'ReadOnly' }] }),
    ).toBe(false);
    expect(
      logsManagementWrites({
        advancedEventSelectors: [
          {
            fieldSelectors: [
              { field: 'eventCategory', equals: ['Management'] },
              { field: 'readOnly', equals: ['true'] },
            ],
          },
        ],
      }),
    ).toBe(false);
    expect(logsManagementWrites({ eventSelectors: [] })).toBe(false);
  });
});
