import { ResponseError } from 'vscode-jsonrpc/node';
import { ErrorCodes } from '@kubetile/rpc-schema';

export const notFound = (what: string): ResponseError<void> => new ResponseError(ErrorCodes.NotFound, what);
export const invalidState = (what: string): ResponseError<void> => new ResponseError(ErrorCodes.InvalidState, what);
export const invalidParams = (what: string): ResponseError<void> => new ResponseError(ErrorCodes.InvalidParams, what);
export const notAttached = (method: string): ResponseError<void> =>
  new ResponseError(ErrorCodes.NotAttached, `${method} needs an attached client: call session/attach first`);

/** A message for anything thrown, including the plain objects some libraries reject with. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && 'message' in err && typeof (err as { message: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}
