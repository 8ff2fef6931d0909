// Two sessions at once: distinct ids, and each receives only its own progress, logs and server
// requests. Runs the progress tool (and the elicitation tool, when there is one) in both at the same
// time; a server that routes by anything but the session shows up as stray or missing notifications,
// or as a call that never completes because its elicitation answer went to the other session.
import { describeEntry } from '../../session/transcript.js';
import type { Session } from '../../session/session.js';
import { fail, pass, skip, type ProtocolCheck } from '../check.js';
import type { ToolRun } from '../context.js';
import { SPEC } from '../spec.js';

export const concurrentSessions: ProtocolCheck = {
  id: 'session.concurrent',
  title: 'Two concurrent sessions: distinct ids, each gets only its own messages',
  spec: SPEC.multipleConnections,
  async run(ctx) {
    const progress = await ctx.choose('progress');
    const elicit = await ctx.choose('elicit');
    const choices = [progress, elicit].filter((c): c is Exclude<typeof c, { skip: string }> => !('skip' in c));
    if (!choices.length) return skip(`needs a tool that sends progress or elicits: ${'skip' in progress ? progress.skip : ''}`);
    const sessions: Session[] = await Promise.all([ctx.openSession(), ctx.openSession()]);
    const [a, b] = sessions as [Session, Session];
    const evidence: string[] = [`session A id ${a.sessionId ?? 'none'}, session B id ${b.sessionId ?? 'none'}`];
    try {
      if (!a.sessionId || !b.sessionId) return skip('the server issued no Mcp-Session-Id (it runs stateless), so there are no sessions to keep apart', evidence);
      const problems: string[] = [];
      if (a.sessionId === b.sessionId) problems.push(`both sessions got the same id ${a.sessionId}`);
      for (const choice of choices) {
        const [ra, rb] = (await Promise.all([ctx.callOn(a, choice), ctx.callOn(b, choice)])) as [ToolRun, ToolRun];
        const count = (r: ToolRun, kind: string) => r.entries.filter((e) => e.kind === kind).length;
        const line = (label: string, r: ToolRun) =>
          `${label} ${choice.name}: ${r.ok ? 'ok' : `failed (${r.error})`}, ${count(r, 'progress')} progress, ${count(r, 'log')} log, ${count(r, 'elicitation')} elicitation, ${count(r, 'sampling')} sampling${r.strayProgress.length ? `, ${r.strayProgress.length} stray progress` : ''}`;
        evidence.push(line('A', ra), line('B', rb));
        for (const [label, r] of [['A', ra], ['B', rb]] as const) {
          if (!r.ok) problems.push(`session ${label}'s ${choice.name} did not complete (${r.error}); its messages may have gone to the other session`);
          if (r.strayProgress.length) problems.push(`session ${label} received progress for a request it never made: ${r.strayProgress[0]!.slice(0, 160)}`);
        }
        for (const kind of ['progress', 'log', 'elicitation', 'sampling']) {
          if (count(ra, kind) !== count(rb, kind)) problems.push(`the same call sent ${count(ra, kind)} ${kind} to session A and ${count(rb, kind)} to session B`);
        }
        if (problems.length) evidence.push(...ra.entries.slice(-8).map((e) => `A ${describeEntry(e)}`), ...rb.entries.slice(-8).map((e) => `B ${describeEntry(e)}`));
      }
      if (problems.length) return fail(problems.join('; '), evidence);
      return pass(`distinct ids; ${choices.map((c) => c.name).join(' and ')} run in both at once, each session got only its own messages`, evidence);
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
    }
  },
};
