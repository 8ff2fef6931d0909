// `feature:` names a summary row. A misspelt name would silently make a new row, so a name that is
// neither built in nor declared under `features:` in the config file is exit 2 before anything runs,
// with a did-you-mean.
import { suggest, ScenarioFileError, type LoadedScenario, type ScenarioProblem } from './loader.js';
import { FEATURES } from './schema.js';

export function checkFeatures(scenarios: LoadedScenario[], declared: string[] = []): void {
  const known = [...FEATURES, ...declared];
  const problems: ScenarioProblem[] = [];
  for (const s of scenarios) {
    const f = s.scenario.feature;
    if (f === undefined || known.includes(f)) continue;
    const hint = suggest(f, known);
    const where = s.featureAt ?? { line: s.line, col: 1 };
    problems.push({
      file: s.file,
      line: where.line,
      col: where.col,
      ...('excerpt' in where && where.excerpt ? { excerpt: where.excerpt } : {}),
      message: `feature "${f}" is not a known feature${hint ? `; did you mean "${hint}"?` : ''} (built in: ${FEATURES.join(', ')}; declare a new one under features: in mcp-verify.config.yaml)`,
    });
  }
  if (problems.length) throw new ScenarioFileError(problems);
}
