import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '@kubetile/rpc-schema';

export const notFound = (what: string): ResponseError<void> => new ResponseError(ErrorCodes.NotFound, what);
export const invalidState = (what: string): ResponseError<void> => new ResponseError(ErrorCodes.InvalidState, what);
export const invalidParams = (what: string): ResponseError<void> => new ResponseError(ErrorCodes.InvalidParams, what);
export const notAttached = (method: string): ResponseError<void> =>
  new ResponseError(ErrorCodes.NotAttached, `${method} needs an attached client: call session/attach first`);

export { errorMessage } from './error-message.js';
