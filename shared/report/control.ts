/**
 * The control tpguard implements, as the CSA AI Controls Matrix (AICM v1.0) states it, and how
 * the report frames the evidence for it. The specification is quoted from the AICM; questions
 * and guideline summaries are tpguard's wording of the AI-CAIQ and the auditing guidelines.
 */
export const CONTROL = {
  id: 'MDS-01',
  title: 'Training Pipeline Security',
  domain: 'MDS: Model Security',
  specification:
    'Define, implement, and evaluate policies, procedures, and technical measures that ensure the security of the Training Pipeline. ' +
    'Regularly review and update policies, procedures and technical measures to address new security threats and best practices.',
  source: 'CSA AI Controls Matrix (AICM) v1.0, control MDS-01',
} as const;

/** The shared-responsibility (SSRM) ownership of MDS-01 by architectural layer. */
export const OWNERSHIP = [
  {
    layer: 'Physical infrastructure',
    owner: 'Cloud Service Provider (CSP)',
    here: 'AWS: the data centres, hosts and networks under SageMaker, Bedrock, S3 and ECR.',
  },
  {
    layer: 'Model',
    owner: 'Model Provider (MP)',
    here: 'The organisation running tpguard: its training jobs, pipelines, data, images and roles, which the policy pack checks.',
  },
] as const;

/** The standards the rules map to, by the key of `controls` in a rule file. */
export const STANDARDS = [
  { key: 'iso42001', name: 'ISO/IEC 42001:2023 (AI management system), Annex A' },
  { key: 'euAiAct', name: 'EU AI Act, Article 15 (accuracy, robustness and cybersecurity)' },
  { key: 'nistAi600', name: 'NIST AI 600-1 (Generative AI Profile), actions' },
  { key: 'bsiAic4', name: 'BSI AIC4 (AI Cloud Service Compliance Criteria Catalogue)' },
  { key: 'bsiC5', name: 'BSI C5:2020 (Cloud Computing Compliance Criteria Catalogue)' },
] as const;
export type StandardKey = (typeof STANDARDS)[number]['key'];

/** The two AI-CAIQ questions of MDS-01. */
export const CAIQ_QUESTIONS = {
  implemented: {
    id: 'MDS-01.1',
    question:
      'Are policies, procedures, and technical measures that ensure the security of the training pipeline defined, implemented, and evaluated?',
  },
  reviewed: {
    id: 'MDS-01.2',
    question:
      'Are these policies, procedures, and technical measures regularly reviewed and updated to address new security threats and best practices?',
  },
} as const;

/** The four auditing guidelines, and which resource types carry the evidence for each. */
export const GUIDELINES = [
  {
    id: 'infrastructure',
    title: 'Protection of the training infrastructure',
    asks: 'Training compute, images and pipelines are isolated, hardened and monitored for change.',
    resourceTypes: [
      'sagemaker-training-job',
      'sagemaker-processing-job',
      'sagemaker-tuning-job',
      'sagemaker-pipeline',
      'sagemaker-model-package',
      'sagemaker-notebook-instance',
      'bedrock-customization-job',
      'ecr-repository',
      'ecr-registry',
      'security-group',
      'ec2-instance',
    ],
  },
  {
    id: 'data',
    title: 'Data storage, access and transit',
    asks: 'Training data, checkpoints and artefacts are encrypted at rest and in transit, access is limited, and locations are approved.',
    resourceTypes: ['s3-bucket', 'kms-key'],
  },
  {
    id: 'incident-access',
    title: 'Incident response and access control',
    asks: 'Access to the pipeline follows least privilege, its audit trail is protected, and incidents are detected, routed to owners and resolved.',
    resourceTypes: [
      'iam-role',
      'iam-user',
      'cloudtrail-trail',
      'guardduty-detector',
      'config-recorder',
      'eventbridge-rule',
      'lambda-function',
      'dynamodb-table',
      'bedrock-logging',
    ],
  },
  {
    id: 'review',
    title: 'Regular review',
    asks: 'Policies and technical measures are reviewed on a schedule, signed off, and updated for new threats.',
    resourceTypes: [],
  },
] as const;
export type GuidelineId = (typeof GUIDELINES)[number]['id'];

/** Rules whose title says they protect data in transit or at rest count for the data guideline too. */
export const DATA_TITLE = /encrypt|kms|tls|in transit|public|data location|versioning/i;
