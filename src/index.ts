/** stable-eureka's TypeScript API: the same calls the CLI and the notebooks make. */
export * from './config';
export { extractReward, fencedBlocks, type Extraction } from './extract';
export { describeEnv, envRefFromConfig, resolveEnvTarget, type EnvTarget } from './envs';
export { checkReward, evaluatePolicy, trainReward, type CheckOptions, type EvaluateOptions, type TrainOptions } from './training';
export { getWorker, shutdownWorker, PythonWorker, WorkerDiedError, WorkerRequestError, type WorkerOptions, type RequestOptions } from './worker/client';
export * from './worker/protocol';
export { executionErrorMessage, fill, initialMessages, nextIterationMessages, singleMessage, template, type ChatMessage, type PromptEnv } from './prompts';
export { diagnose, evalSeries, peak, reflect, seriesLine, subsample, type Reflection, type SampleOutcome } from './reflect';
export { selectBest } from './select';
export { OllamaBackend, contextSize, type OllamaOptions } from './llm/ollama';
export { OpenAiBackend, type OpenAiOptions } from './llm/openai';
export { LlmError, type Completion, type GenerateOptions, type LlmBackend, type LlmErrorKind } from './llm/types';
export { LocalBackend, LOCAL_MODEL_NAME, localModelPath, type LocalOptions } from './llm/local';
