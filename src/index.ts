/**
 * stable-eureka's TypeScript API: the same calls the CLI and the notebooks make. An explicit
 * list: what is not named here (zod schemas, the wire's envelope types, run-folder path
 * helpers) is internal and may change without notice.
 */
export {
  ALGOS,
  BACKENDS,
  DEVICES,
  ConfigError,
  applyOverrides,
  loadConfig,
  parseConfig,
  resolveEnvDir,
  validateConfig,
  type Algo,
  type ArchitectureConfig,
  type Backend,
  type Config,
  type ConfigInput,
  type ConfigIssue,
  type EnvironmentConfig,
  type EurekaConfig,
  type EvaluationConfig,
  type ExperimentConfig,
  type LoadOptions,
  type LoadedConfig,
  type Overrides,
  type RlConfig,
  type TrainingConfig,
} from './config/index';
export { extractReward, fencedBlocks, type Extraction } from './extract';
export { describeEnv, envRefFromConfig, resolveEnvTarget, type EnvTarget } from './envs';
export { checkReward, evaluatePolicy, trainReward, type CheckOptions, type EvaluateOptions, type TrainOptions } from './training';
export { getWorker, shutdownWorker, PythonWorker, WorkerDiedError, WorkerRequestError, type WorkerOptions, type RequestOptions } from './worker/client';
export {
  PROTOCOL_VERSION,
  type CallSite,
  type CheckParams,
  type CheckProblem,
  type CheckResult,
  type CheckStage,
  type Containment,
  type EnvDescription,
  type EnvRef,
  type EpisodeResult,
  type EvalEpisode,
  type EvalPoint,
  type EvaluateParams,
  type EvaluateResult,
  type EvaluateSuccess,
  type EventName,
  type Events,
  type GymEnvRef,
  type Hello,
  type JobEnvRef,
  type JobFailed,
  type JobFailure,
  type JobOutput,
  type JobStatus,
  type Limits,
  type LogEvent,
  type MethodName,
  type Methods,
  type ProgressEvent,
  type RlSection,
  type SmokeSummary,
  type Stats,
  type TrainParams,
  type TrainResult,
  type TrainSuccess,
  type WorkerEvent,
} from './worker/protocol/index';
export { checkFailureText, executionErrorMessage, fill, initialMessages, nextIterationMessages, noCodeText, promptEnv, singleMessage, template, type ChatMessage, type CheckProblemText, type PromptEnv } from './prompts';
export { diagnose, evalSeries, reflect, readSeries, seriesLine, subsample, type Reflection, type SampleOutcome } from './reflect';
export { bestOf, isBetter, peak, selectBest, type Ranked } from './run/selection';
export { Rungs, rungSteps, stopRecord, type HalvingSettings, type RungEntry, type StopRecord } from './run/halving';
export { OllamaBackend, contextSize, type OllamaOptions } from './llm/ollama';
export { OpenAiBackend, type OpenAiOptions } from './llm/openai';
export { LlmError, type Completion, type GenerateOptions, type LlmBackend, type LlmErrorKind } from './llm/types';
export { LocalBackend, type LocalOptions } from './llm/local';
export { DEFAULT_LOCAL_MODEL, LOCAL_MODEL_NAMES, localModelFile } from './llm/localModels';
export { writtenTerms } from './llm/localTerms';
export { backendFromConfig } from './llm/factory';
export { Run, RunInterrupted, type CreateOptions, type RunOptions } from './run/run';
export {
  RUN_FORMAT,
  RunFolder,
  runPaths,
  type BenchmarkRecord,
  type BestRecord,
  type CheckRecord,
  type FeedbackRecord,
  type FinalRecord,
  type Fitness,
  type IterationRecord,
  type IterationStatus,
  type LiveEvent,
  type LlmCallRecord,
  type RunEvent,
  type RunRecord,
  type RunStatus,
  type SampleFailure,
  type SampleOrigin,
  type SampleRecord,
  type SampleRef,
  type SampleStatus,
} from './run/layout';
export { runSummary } from './cli/run';
export { DEMO } from './cli/demo';
export { benchResults, hns, loadSuite, resultsHtml, resultsMarkdown, runBench, writeResults, type BenchOptions, type BenchResults, type ResultRow, type Suite } from './benchllm/index';
export { buildReport, loadRunData, renderReport, writeReport, type RunData } from './report/index';
export * as charts from './render/charts';
// Notebooks: the kernel hook contract, rich display (mime bundles), and the cell API.
export { KERNEL_HOOK, isDisplayable, kernelHook, type Displayable, type KernelHook, type MimeBundle } from './kernelHook';
export * as display from './display/index';
export { show, live, View, Chart, Code, Diff, Gif, Note, SamplesTable, MIME, type Live, type LiveOptions, type LiveValue, type Showable } from './display/index';
export {
  open,
  NotebookRun,
  ChecksView,
  CompareView,
  EnvView,
  EvaluationView,
  FeedbackView,
  IterationView,
  PromptView,
  ReportView,
  ResponsesView,
  RunView,
  SampleView,
  TrainView,
  type OpenOptions,
  type StageOptions,
} from './notebook/index';
