// The AgentCore MCP error table (shared/reference/agentcore.md): most errors are HTTP 200 with a
// JSON-RPC error body; only auth and protocol errors use other statuses. The emulator answers from
// this table so clients see the same shapes as on AWS.

export interface AgentCoreError {
  code: number;
  exception: string;
  http: number;
  message: string;
}

export const AGENTCORE_ERRORS = {
  unauthorized: { code: -32001, exception: 'UnauthorizedException', http: 401, message: 'Authentication error - Invalid credentials' },
  accessDenied: { code: -32002, exception: 'AccessDeniedException', http: 403, message: 'Authorization error - Insufficient permissions' },
  throttling: { code: -32003, exception: 'ThrottlingException', http: 200, message: 'Rate limit exceeded - Too many requests' },
  notFound: { code: -32004, exception: 'ResourceNotFoundException', http: 200, message: 'Resource not found - Requested resource does not exist' },
  conflict: { code: -32005, exception: 'RetryableConflictException', http: 200, message: 'Session operation in progress, please retry' },
  validation: { code: -32006, exception: 'ValidationException', http: 200, message: 'Validation error - Invalid request data' },
  runtimeClient: {
    code: -32010,
    exception: 'RuntimeClientError',
    http: 200,
    message: 'Tool execution error - Please check your CloudWatch logs for more information',
  },
  notAcceptable: {
    code: -32011,
    exception: 'McpRequestUnacceptableException',
    http: 406,
    message: 'Accept Header Error - MCP protocol requires Accept header: application/json, text/event-stream',
  },
  internal: { code: -32603, exception: 'InternalServerException', http: 200, message: 'Internal error - Server error' },
} as const satisfies Record<string, AgentCoreError>;

export type AgentCoreErrorName = keyof typeof AGENTCORE_ERRORS;

/** A JSON-RPC error body; `detail` (emulator-only explanation) goes into `error.data`. */
export function jsonRpcErrorBody(error: AgentCoreError, id: unknown = null, detail?: string): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id: id ?? null,
    error: { code: error.code, message: error.message, ...(detail ? { data: { emulator: detail } } : {}) },
  });
}
