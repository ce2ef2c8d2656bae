export { type Clock, fixedClock, parseIsoTime, systemClock } from './clock.js';
export { describeError, FileLoadError, InvalidTimestampError, JsonParseError, TpguardError } from './errors.js';
export { globAny, globMatch } from './glob.js';
export { isRecord, parseJson, rec, str } from './json.js';
export { isSecretLike, REDACTED, redactSecrets, secretKeys } from './secrets.js';
export { SEVERITIES, type Severity, SEVERITY_RANK } from './severity.js';
export { silentTelemetry, type Telemetry } from './telemetry.js';
export { type Actor, actorLabel, sameIdentity } from './actor.js';
export { inOrder } from './in-order.js';
