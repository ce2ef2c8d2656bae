import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/**
 * True when a conditional write was refused (the item exists, or is not in the expected state).
 * Its own module so that a store using it does not pull another store into a bundle.
 */
export function isConditionFailure(err: unknown): boolean {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err instanceof Error && err.name === 'ConditionalCheckFailedException')
  );
}
