// Lambda's errors as the service words them. Real Lambda error bodies carry `"Type": "User"` for
// caller faults; the status of each code comes from the model.
import { AwsError } from '../../protocol/errors.js';

export function userError(code: string, message: string, status?: number): AwsError {
  return new AwsError(code, message, status, { Type: 'User' });
}

export function invalidParameter(message: string): AwsError {
  return userError('InvalidParameterValueException', message);
}

export function functionNotFound(arn: string): AwsError {
  return userError('ResourceNotFoundException', `Function not found: ${arn}`);
}

export function functionExists(name: string): AwsError {
  return userError('ResourceConflictException', `Function already exist: ${name}`);
}

/** The model's constraint wording, for limits Lambda enforces beyond the model (Timeout ≤ 900). */
export function validationError(value: unknown, member: string, constraint: string): AwsError {
  return new AwsError('ValidationException', `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must ${constraint}`);
}

/** Another account's function: without resource policies nothing grants access to it. */
export function crossAccountDenied(callerArn: string, op: string, arn: string): AwsError {
  const action = `lambda:${op}`;
  return userError('AccessDeniedException', `User: ${callerArn} is not authorized to perform: ${action} on resource: ${arn} because no resource-based policy allows the ${action} action`, 403);
}
