export { type Clock, fixedClock, InvalidTimestampError, parseIsoTime, systemClock } from './clock.js';
export { CREDENTIAL_FORMATS, hasCredentialFormat } from './credential-formats.js';
export { describeError, FileLoadError, TpguardError } from './errors.js';
export { foldName } from './fold.js';
export { globAny, globMatch } from './glob.js';
export { isRecord, parseJson, rec, str } from './json.js';
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
export { type Actor, actorLabel, sameIdentity } from './actor.js';
