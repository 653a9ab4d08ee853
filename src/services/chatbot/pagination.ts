// Chatbot's paging on the shared paging (src/services/shared/pagination.ts): 100 a page unless
// MaxResults says otherwise, store rows in id order, and a NextToken of another listing (or
// account) is InvalidParameterException.
import { AwsError } from '../../protocol/errors.js';
import { Pages } from '../shared/pagination.js';

export const BAD_TOKEN = 'The NextToken is invalid: pass the NextToken of the previous page of the same request.';

export const pages = new Pages({ service: 'chatbot', defaultLimit: 100, badToken: () => new AwsError('InvalidParameterException', BAD_TOKEN) });

/** Store rows are paged by id. */
export const rowId = (r: { id: string }) => r.id;
