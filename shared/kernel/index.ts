export { type ArnParts, MAX_ARN, parseArn } from './arn.js';
export { type Clock, DEFAULT_MAX_FUTURE_SKEW_MINUTES, fixedClock, parseIsoTime, systemClock } from './clock.js';
export { CREDENTIAL_FORMATS, hasCredentialFormat } from './credential-formats.js';
export { describeError, FileLoadError, InvalidTimestampError, JsonParseError, TpguardError } from './errors.js';
export { foldName } from './fold.js';
export { globAny, globMatch } from './glob.js';
export { dropForbiddenKeys, isRecord, nestedDeeperThan, parseJson, parseJsonScanned, rec, str } from './json.js';
export {
  credentialNameClass,
  isSecretValue,
  OMITTED,
  redactSecrets,
  redactString,
  redactTags,
} from './redaction.js';
export { isSecretLike, REDACTED, secretKeys } from './secrets.js';
export { SEVERITIES, type Severity, SEVERITY_RANK } from './severity.js';
export { escapeControls, stringifyForTerminal, terminalJson } from './text.js';
export { silentTelemetry, type Telemetry } from './telemetry.js';
export { type Actor, actorLabel, sameIdentity } from './actor.js';
export { inOrder } from './in-order.js';
export { MAX_REGEX_INPUT, spend, stepsSpent } from './work.js';
