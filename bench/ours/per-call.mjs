// Our side of the per-call figure, in-process through the execution path (buildPlan, executeRun): one scenario of N
// `call: quick_recommend` steps (loaded from YAML before the clock starts), so every call goes through
// the Session, the transcript recorder, the scripted responder and the step checks.
// Prints {ms} for executeRun (open → N steps → close), the same span the raw side times.
import { loadScenarios } from '../../dist/scenario/loader.js';
import { buildPlan } from '../../dist/run/plan.js';
import { executeRun } from '../../dist/run/execute.js';
import { localTarget } from '../../dist/target/target.js';

const [url, file] = process.argv.slice(2);
const scenarios = await loadScenarios([file]);
const target = localTarget(url);
const plan = await buildPlan({ timeout: 30_000 }, scenarios, target);
const started = performance.now();
const run = await executeRun(plan, []);
const ms = performance.now() - started;
if (run.summary.passed !== 1) throw new Error(`per-call scenario did not pass: ${JSON.stringify(run.scenarios[0]?.error ?? run.scenarios[0]?.steps.find((s) => s.verdict === 'failed'))}`);
process.stdout.write(JSON.stringify({ ms, dropped: undefined }) + '\n');
