"""The Python side of stable-eureka: a long-lived worker that checks, trains and evaluates
LLM-written rewards with stable-baselines3. See ../PROTOCOL.md for the wire protocol."""

PROTOCOL_VERSION = 1
