export { type ArnParts, MAX_ARN, parseArn } from './arn.js';
export { type Clock, fixedClock, InvalidTimestampError, parseIsoTime, systemClock } from './clock.js';
export { describeError, FileLoadError, TpguardError } from './errors.js';
export { globAny, globMatch } from './glob.js';
export { isRecord, parseJson, rec, str } from './json.js';
export { isSecretLike, REDACTED, redactSecrets, secretKeys } from './secrets.js';
export { SEVERITIES, type Severity, SEVERITY_RANK } from './severity.js';
export { MAX_REGEX_INPUT, spend, stepsSpent } from './work.js';
