/** stable-eureka's TypeScript API: the same calls the CLI and the notebooks make. */
export * from './config';
export { extractReward, fencedBlocks, type Extraction } from './extract';
export { describeEnv, envRefFromConfig, resolveEnvTarget, type EnvTarget } from './envs';
export { checkReward, evaluatePolicy, trainReward, type CheckOptions, type EvaluateOptions, type TrainOptions } from './training';
export { getWorker, shutdownWorker, PythonWorker, WorkerDiedError, WorkerRequestError, type WorkerOptions, type RequestOptions } from './worker/client';
export * from './worker/protocol';
export { executionErrorMessage, fill, initialMessages, nextIterationMessages, singleMessage, template, type ChatMessage, type PromptEnv } from './prompts';
export { diagnose, evalSeries, reflect, seriesLine, subsample, type Reflection, type SampleOutcome } from './reflect';
export { bestOf, isBetter, peak, selectBest, type Ranked } from './run/selection';
export { OllamaBackend, contextSize, type OllamaOptions } from './llm/ollama';
export { OpenAiBackend, type OpenAiOptions } from './llm/openai';
export { LlmError, type Completion, type GenerateOptions, type LlmBackend, type LlmErrorKind } from './llm/types';
export { LocalBackend, LOCAL_MODEL_NAME, localModelPath, type LocalOptions } from './llm/local';
export { backendFromConfig } from './llm/factory';
export { Run, RunInterrupted, type CreateOptions, type RunOptions } from './run/run';
export * from './run/layout';
export { runSummary } from './runcli';
export { buildReport, loadRunData, renderReport, writeReport, type RunData } from './report';
export * as charts from './charts';
// Notebooks: the kernel hook contract, rich display (mime bundles), and the cell API.
export { KERNEL_HOOK, isDisplayable, kernelHook, type Displayable, type KernelHook, type MimeBundle } from './kernelHook';
export * as display from './display';
export { show, live, View, Chart, Code, Diff, Gif, Note, SamplesTable, MIME, type Live, type LiveOptions, type LiveValue, type Showable } from './display';
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
} from './notebook';
