// Amazon Bedrock Converse (POST /model/{modelId}/converse, SigV4 service "bedrock") through the official
// `@aws-sdk/client-bedrock-runtime`, with the same credentials as `remote`: the AWS default chain,
// --profile / AWS_PROFILE, turned into plain-word errors by src/target/credentials.ts.
import { BedrockRuntimeClient, ConverseCommand, type ContentBlock, type Message } from '@aws-sdk/client-bedrock-runtime';
import type { LlmConfig } from '../../scenario/schema.js';
import type { AwsCredentialsProvider } from '../../target/sigv4.js';
import { LLM_MAX_RETRIES, malformed, mcpStopReason, shortMessage, statusMeaning, type LlmProvider } from './provider.js';
import { imageBytes, type LlmAnswer, type LlmRequest } from './request.js';

const IMAGE_FORMATS: Record<string, 'png' | 'jpeg' | 'gif' | 'webp'> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/gif': 'gif', 'image/webp': 'webp' };

export function bedrockClient(config: LlmConfig, region: string | undefined, credentials: AwsCredentialsProvider): BedrockRuntimeClient {
  // The SDK warns on every Node 20 start that its 2027 releases will need Node 22: about its future, not
  // this run (mcp-verify supports Node 20), and it would land in the middle of the run's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new BedrockRuntimeClient({
    ...(region ? { region } : {}),
    ...(config.profile ? { profile: config.profile } : {}),
    credentials,
    ...(config.baseUrl ? { endpoint: config.baseUrl } : {}),
    maxAttempts: LLM_MAX_RETRIES + 1,
  });
}

export function bedrockProvider(config: LlmConfig, client: BedrockRuntimeClient, region: string): LlmProvider {
  return {
    label: `bedrock ${config.model} in ${region}${config.baseUrl ? ` at ${config.baseUrl}` : ''}`,
    async complete(req: LlmRequest, signal: AbortSignal): Promise<LlmAnswer> {
      const messages: Message[] = req.messages.map((m) => ({
        role: m.role,
        content: m.content.map((c): ContentBlock => (c.type === 'text' ? { text: c.text } : { image: { format: IMAGE_FORMATS[c.mimeType]!, source: { bytes: imageBytes(c.data) } } })),
      }));
      const res = await client.send(
        new ConverseCommand({
          modelId: req.model,
          messages,
          ...(req.system ? { system: [{ text: req.system }] } : {}),
          inferenceConfig: {
            maxTokens: req.maxTokens,
            ...(req.temperature !== undefined ? { temperature: Math.min(1, req.temperature) } : {}),
            ...(req.stopSequences ? { stopSequences: req.stopSequences } : {}),
          },
        }),
        { abortSignal: signal },
      );
      return parseBedrockAnswer(res, req.model);
    },
  };
}

export function parseBedrockAnswer(res: unknown, asked: string): LlmAnswer {
  const r = (res ?? {}) as { output?: { message?: { content?: unknown } }; stopReason?: unknown; usage?: { inputTokens?: unknown; outputTokens?: unknown } };
  const content = r.output?.message?.content;
  if (!Array.isArray(content)) throw malformed('no output.message.content in the Converse answer');
  const texts = content.filter((b): b is { text: string } => !!b && typeof (b as { text?: unknown }).text === 'string');
  if (texts.length === 0 && content.length > 0) throw malformed('the Converse answer has no text content block');
  const n = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 0);
  return {
    text: texts.map((b) => b.text).join(''),
    // Converse does not echo the model: the one asked for is the one that answered.
    model: asked,
    stopReason: mcpStopReason(typeof r.stopReason === 'string' ? r.stopReason : null),
    usage: { inputTokens: n(r.usage?.inputTokens), outputTokens: n(r.usage?.outputTokens) },
  };
}

export function explainBedrockError(err: unknown): string {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number; attempts?: number }; message?: string };
  const status = e?.$metadata?.httpStatusCode;
  const retried = (e?.$metadata?.attempts ?? 1) > 1;
  if (e?.name === 'TimeoutError') return 'the request timed out';
  if (e?.name === 'UnrecognizedClientException' || e?.name === 'InvalidSignatureException' || e?.name === 'ExpiredTokenException') {
    return `HTTP ${status ?? 403} ${e.name}: the AWS credentials were refused (${shortMessage(err)}); check the profile or keys the chain found`;
  }
  if (typeof status === 'number') {
    const name = e.name && e.name !== 'Error' && e.name !== 'UnknownError' ? ` ${e.name}` : '';
    if (status === 200 || status === 0) return `malformed answer: ${shortMessage(err)}`;
    return `${statusMeaning(status, retried)}${name}: ${shortMessage(err)}`;
  }
  if (err instanceof SyntaxError) return `malformed answer: the body is not JSON (${shortMessage(err)})`;
  return shortMessage(err);
}
