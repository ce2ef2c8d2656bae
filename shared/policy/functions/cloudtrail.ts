import { isRecord } from '../../kernel/index.js';
import { asList } from './values.js';

function basicSelectorLogsWrites(s: unknown): boolean {
  if (!isRecord(s)) return false;
  const include = s.includeManagementEvents === undefined || s.includeManagementEvents === true;
  const rw = typeof s.readWriteType === 'string' ? s.readWriteType : 'All';
  return include && (rw === 'All' || rw === 'WriteOnly');
}

function fieldValues(selector: Record<string, unknown>, field: string, op: string): string[] {
  return asList(selector.fieldSelectors)
    .filter((f): f is Record<string, unknown> => isRecord(f) && f.field === field)
    .flatMap((f) => asList(f[op]))
    .filter((v): v is string => typeof v === 'string');
}

function advancedSelectorLogsWrites(s: unknown): boolean {
  if (!isRecord(s)) return false;
  if (!fieldValues(s, 'eventCategory', 'equals').includes('Management')) return false;
  const readOnly = fieldValues(s, 'readOnly', 'equals');
  return readOnly.length === 0 || readOnly.includes('false');
}

/**
 * True when a PutEventSelectors request keeps write management events: a basic selector
 * with `includeManagementEvents` (default true) and `readWriteType` All or WriteOnly, or an
 * advanced selector on `eventCategory = Management` that does not restrict to read-only calls.
 * @example logsManagementWrites({ eventSelectors: [{ includeManagementEvents: false }] }) // false
 */
export function logsManagementWrites(req: unknown): boolean {
  if (!isRecord(req)) return false;
  if (Array.isArray(req.advancedEventSelectors) && req.advancedEventSelectors.length > 0) {
    return req.advancedEventSelectors.some(advancedSelectorLogsWrites);
  }
  return asList(req.eventSelectors).some(basicSelectorLogsWrites);
}
