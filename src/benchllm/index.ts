/**
 * src/benchllm/: the reward-design benchmark, which tells users which model designs rewards
 * best and what it costs. `stable-eureka bench-llm` (src/cli/benchllm.ts) and notebooks call it.
 *
 *   suite      a suite file: envs (stable-eureka configs), seeds, iterations, samples, budgets
 *   folder     the bench folder: every file it holds, named in one place
 *   baselines  the human and sparse rewards, trained and evaluated once per env and seed
 *   bench      runBench: the loop with each model on each case, resumable
 *   results    the figures per env and model, read from the folder
 *   page       those figures as a Markdown table and an HTML page
 */
export { runBench, writeResults, type BenchOptions } from './bench';
export { benchPaths, modelSlug, type BaselineFigure, type BaselineRecord } from './folder';
export { resultsHtml, resultsMarkdown } from './page';
export { benchResults, hns, modelSummary, type BenchResults, type ResultRow, type SuiteRecord } from './results';
export { loadSuite, SHIPPED_SUITES, suiteFile, type Suite, type SuiteEnv } from './suite';
