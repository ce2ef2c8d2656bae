/**
 * What `tpguard init` writes: a commented starter configuration. Every value is an example to
 * replace (the account 111122223333 and the names are AWS documentation placeholders); as written
 * it loads (test/cli/init.test.ts), so `tpguard scan` works with it before it is tuned.
 */
export const STARTER_CONFIG = `# tpguard.config.yaml: which resources form your ML training pipeline, what it may use, and who
# is told when something drifts. Written by \`tpguard init\`; check it with \`tpguard config validate\`.
# Validated strictly: an unknown key is an error naming its path. Globs are AWS wildcards: \`*\` any
# run of characters (including / and :), \`?\` one character. Replace every example below.

scope:
  # Resources of these types are evaluated when their name, id or ARN matches a glob. Without an
  # entry a type is out of scope. Always in scope, whatever this says: SageMaker training,
  # processing and tuning jobs, pipelines, model packages, Bedrock customization jobs, and
  # tpguard's own GuardDuty/Config/EventBridge/Lambda/DynamoDB resources.
  resources:
    s3-bucket: ["ml-training-*", "ml-artifacts-*"]      # training data, checkpoints, model artifacts
    ecr-repository: ["ml/*"]                            # training images
    iam-role: ["SageMaker*", "ml-*"]                    # execution roles of jobs and pipelines
    kms-key: ["alias/ml-*"]                             # keys of training volumes and outputs
    # security-group: ["sg-0123456789abcdef0"]
    # sagemaker-notebook-instance: ["ml-*"]
    # cloudtrail-trail: ["*"]                           # the trails that record the pipeline
  # A resource carrying one of these tag values is in scope too (tags of Config items, GuardDuty
  # findings and CreateTrainingJob requests).
  tags:
    "ml:pipeline": ["training"]

approved:
  # What the pipeline may use. An empty list means nothing is approved yet: the rules that compare
  # against it judge only what needs no approval (\`tpguard rules list\` shows which).
  # Globs over KMS key ARNs, key ids and aliases allowed to encrypt training volumes and outputs.
  kmsKeys: ["alias/ml-*"]
  # Globs over image references registry/repository[:tag|@sha256:digest] jobs may run.
  images: ["111122223333.dkr.ecr.*.amazonaws.com/ml/*"]
  # Globs over role ARNs that SageMaker jobs, pipelines and Bedrock jobs may run as.
  executionRoles: ["arn:aws:iam::111122223333:role/SageMaker*"]
  # Where jobs may read and write: s3://<bucket>/<key glob>. Name each bucket exactly (bucket names
  # are global: a wildcard in one would approve buckets anyone can create); the key part is a glob.
  dataLocations: ["s3://ml-training-data/*", "s3://ml-artifacts-models/*"]
  # Globs over caller ARNs allowed to change pipelines, push images and change tpguard (CI/CD).
  principals: ["arn:aws:sts::111122223333:assumed-role/ml-ci-deployer/*"]
  # Globs over caller ARNs allowed to approve model packages (empty: principals).
  modelApprovers: []
  # 12-digit account ids that resource policies may grant access to (the resource's own account
  # is always allowed).
  accounts: []
  # Your AWS Organizations id(s), o-...: a policy granting "*" restricted by aws:PrincipalOrgID to
  # another organization is then reported. Empty: such grants are not judged (scan says so).
  organizations: []

owners:
  # Who hears about drift no team claims. Slack: ssm:/parameter/name (a SecureString, deployed)
  # or env:VARIABLE (local runs) holding an incoming-webhook URL.
  default:
    email: ["ml-security@example.com"]
    # slack: "env:TPGUARD_SLACK_SECURITY"
  # The tag whose value names one of the teams below.
  byTag: owner
  teams:
    vision:
      email: ["vision-ml@example.com"]
  # Globs over resource ARNs or names -> team (the first match wins).
  resources:
    - { match: "arn:aws:s3:::ml-training-vision-*", team: vision }

# The review calendar (MDS-01: policies reviewed regularly). Without this section the default
# owner reviews quarterly in UTC. \`tpguard review --help\`.
# reviews:
#   schedule: quarterly              # or a 5-field cron expression
#   timezone: Europe/Berlin
#   reviewers:
#     email: ["ml-platform-leads@example.com"]

# Alerts: below minSeverity drift is recorded but nobody is alerted. See the README, "Alerts".
# notifications:
#   minSeverity: medium
#   escalateAfterHours: 24
#   digest: true
`;
