// The provider-neutral side of LLM sampling, without a network: model choice from modelPreferences
// hints, what the request maps to (caps, overrides, refused content), and the flag parsers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pickModel, toLlmRequest, FALLBACK_MAX_TOKENS } from '../src/responders/llm/request.js';
import { LlmBudget, parseBudget } from '../src/responders/llm/budget.js';
import { parseSamplingLlm } from '../src/responders/llm/plan.js';
import { AnswerFailure } from '../src/responders/responder.js';
import type { LlmConfig } from '../src/scenario/schema.js';

const config: LlmConfig = { provider: 'openai', model: 'gpt-4o-mini', models: { claude: 'claude-sonnet-x', llama: 'llama3.1:8b' } };
const text = (t: string) => ({ type: 'text', text: t });

describe('model hints pick a configured model', () => {
  test('a hint naming a family picks it; the first hint that matches wins; otherwise the default', () => {
    assert.deepEqual(pickModel(config, ['claude-3-5-sonnet']), { model: 'claude-sonnet-x', hint: 'claude-3-5-sonnet' });
    assert.deepEqual(pickModel(config, ['gemini', 'llama']), { model: 'llama3.1:8b', hint: 'llama' });
    assert.deepEqual(pickModel(config, ['sonnet']), { model: 'claude-sonnet-x', hint: 'sonnet' }, 'a hint that is part of a configured model id');
    assert.deepEqual(pickModel(config, ['mini']), { model: 'gpt-4o-mini', hint: 'mini' });
    assert.deepEqual(pickModel(config, ['gemini-1.5-pro']), { model: 'gpt-4o-mini' });
    assert.deepEqual(pickModel(config, []), { model: 'gpt-4o-mini' });
  });
});

describe('the MCP request as an LLM request', () => {
  test('maxTokens is capped by the rule and the budget; a missing one gets a bound; the rule\'s temperature wins', () => {
    const params = { messages: [{ role: 'user', content: text('hi') }], maxTokens: 500, temperature: 0.9, stopSequences: ['END', 3] };
    assert.equal(toLlmRequest(params, config).maxTokens, 500);
    assert.equal(toLlmRequest(params, { ...config, maxTokens: 50 }).maxTokens, 50);
    assert.equal(toLlmRequest(params, config, 20).maxTokens, 20);
    assert.equal(toLlmRequest({ messages: params.messages }, config).maxTokens, FALLBACK_MAX_TOKENS);
    assert.equal(toLlmRequest(params, config).temperature, 0.9);
    assert.equal(toLlmRequest(params, { ...config, temperature: 0 }).temperature, 0);
    assert.deepEqual(toLlmRequest(params, config).stopSequences, ['END']);
  });

  test('content an LLM call cannot carry is refused with the reason, never dropped', () => {
    const refuse = (content: unknown, re: RegExp) => assert.throws(() => toLlmRequest({ messages: [{ role: 'user', content }], maxTokens: 5 }, config), (e: unknown) => e instanceof AnswerFailure && re.test(e.message));
    refuse({ type: 'audio', data: 'x', mimeType: 'audio/wav' }, /"audio" content/);
    refuse([text('a'), { type: 'tool_use', id: '1', name: 'x', input: {} }], /block 2 is "tool_use" content/);
    refuse({ type: 'image', data: 'x', mimeType: 'image/tiff' }, /image of type image\/tiff/);
    assert.throws(() => toLlmRequest({ messages: [{ role: 'system', content: text('x') }], maxTokens: 5 }, config), /role "system"/);
    assert.throws(() => toLlmRequest({ messages: [], maxTokens: 5 }, config), /no messages/);
  });
});

describe('flags', () => {
  test('--sampling-llm keeps the colons of a Bedrock model id', () => {
    assert.deepEqual(parseSamplingLlm('bedrock:anthropic.claude-3-haiku-20240307-v1:0'), { provider: 'bedrock', model: 'anthropic.claude-3-haiku-20240307-v1:0' });
    assert.throws(() => parseSamplingLlm('vertex:gemini'), /provider bedrock, openai or anthropic/);
    assert.throws(() => parseSamplingLlm('openai:'), /the model is missing/);
  });

  test('--llm-budget parses calls and tokens and refuses anything else', () => {
    assert.deepEqual(parseBudget('calls=3,tokens=1000'), { calls: 3, tokens: 1000 });
    assert.deepEqual(parseBudget('5'), { calls: 5 });
    for (const bad of ['calls=0', 'tokens=-1', 'calls=2,calls=3', 'dollars=5', '']) assert.throws(() => parseBudget(bad), /--llm-budget takes/, bad);
  });

  test('the budget refuses a call once spent and reports the one that went over', () => {
    const b = new LlmBudget({ calls: 2, tokens: 100 });
    assert.equal(b.reserve(), undefined);
    assert.equal(b.tokensLeft, 100);
    assert.equal(b.record({ inputTokens: 30, outputTokens: 30 }), undefined);
    assert.equal(b.tokensLeft, 40);
    assert.equal(b.reserve(), undefined);
    assert.match(b.record({ inputTokens: 30, outputTokens: 30 })!, /120 of 100 token/);
    assert.match(b.reserve()!, /all 2 call\(s\)/);
  });
});
