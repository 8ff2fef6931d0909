// Progress: every notification's `progress` is greater than the one before, and none comes after the
// result (the SDK does not check this; a client UI would go backwards or update a finished task).
import { describeEntry } from '../../session/transcript.js';
import { fail, pass, skip, type ProtocolCheck } from '../check.js';
import { SPEC } from '../spec.js';

export const progressOrder: ProtocolCheck = {
  id: 'progress.order',
  title: 'Progress strictly increasing and ending before the result',
  spec: SPEC.progress,
  async run(ctx) {
    const run = await ctx.toolRun('progress');
    if ('skip' in run) return skip(run.skip);
    const progress = run.entries.filter((e) => e.kind === 'progress');
    const result = run.entries.find((e) => e.kind === 'result');
    const evidence = [`call ${run.choice.name} ${JSON.stringify(run.choice.args)} with a progressToken`, ...run.entries.filter((e) => e.kind === 'progress' || e.kind === 'result').map(describeEntry)];
    if (!run.ok) return fail(`${run.choice.name} did not complete: ${run.error}`, evidence);
    if (!progress.length) return fail(`${run.choice.name} sent no progress notification although the call carried a progressToken`, evidence);
    const values = progress.map((p) => (p.kind === 'progress' ? p.progress : NaN));
    const problems: string[] = [];
    for (let i = 1; i < values.length; i++) {
      if (!(values[i]! > values[i - 1]!)) problems.push(`progress went from ${values[i - 1]} to ${values[i]} (it MUST increase with each notification)`);
    }
    if (result && progress.some((p) => p.seq > result.seq)) problems.push('progress arrived after the result');
    if (run.strayProgress.length) problems.push(`progress arrived after the request had completed: ${run.strayProgress[0]!.slice(0, 160)}`);
    if (problems.length) return fail(problems.join('; '), evidence, { actual: values });
    return pass(`${values.length} notifications (${values.join(', ')}), all before the result`, evidence, { actual: values });
  },
};
