export {
  type Clock,
  DEFAULT_MAX_FUTURE_SKEW_MINUTES,
  fixedClock,
  InvalidTimestampError,
  parseIsoTime,
  systemClock,
} from './clock.js';
export { describeError, FileLoadError, TpguardError } from './errors.js';
export { globAny, globMatch } from './glob.js';
export { isRecord, parseJson, rec, str } from './json.js';
export { isSecretLike, REDACTED, redactSecrets, secretKeys } from './secrets.js';
export { SEVERITIES, type Severity, SEVERITY_RANK } from './severity.js';
