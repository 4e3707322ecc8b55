// Reply schemas the routes share: the contract's error body under each status they may answer.
import { apiErrorSchema } from '../../../shared/contract.ts';

export function errorReplies(...statuses: number[]): Record<number, typeof apiErrorSchema> {
  return Object.fromEntries(statuses.map((status) => [status, apiErrorSchema]));
}
