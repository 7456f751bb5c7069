/**
 * The worker's JSON-lines protocol, version 1 (python/PROTOCOL.md says what it means).
 * Types here mirror what the Python side sends; keys stay snake_case as on the wire.
 *
 * The messages are defined once, in python/stable_eureka_worker/protocol.schema.json: every
 * type here has a `$defs` entry of the same name there, and test/protocol.test.ts fails when
 * the two differ (names, keys, optionality, value types) or when a real session's requests,
 * replies or events do not validate against the schema. The Python side's TypedDicts
 * (the package protocol_types) are checked against the same file.
 */

// The wire (envelopes, errors, events, the methods map) is in wire.ts; the payloads of the
// methods in env.ts (env references, describe_env) and jobs.ts (check_reward, train, evaluate).
export * from './wire';
export * from './env';
export * from './jobs';
