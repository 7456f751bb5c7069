"""MountainCarContinuous-v0 for stable-eureka.

A thin subclass of gymnasium's Continuous_MountainCarEnv: the dynamics, termination and
rendering are gymnasium's own; step() hands the outcome to `compute_reward`, which is not
defined here (stable-eureka binds the reward under test to a subclass at run time).
`compute_fitness_score` returns gymnasium's own reward, so an episode's fitness is its
MountainCarContinuous-v0 return.
"""

from gymnasium.envs.classic_control.continuous_mountain_car import (
    Continuous_MountainCarEnv as GymContinuousMountainCarEnv,
)


class Continuous_MountainCarEnv(GymContinuousMountainCarEnv):
    def step(self, action):
        # gymnasium's MountainCarContinuous step: dynamics, termination, original reward.
        observation, original_reward, terminated, truncated, _ = super().step(action)

        # The observation, after the step: position in [-1.2, 0.6], velocity in [-0.07, 0.07].
        position, velocity = observation.tolist()
        # action: array of shape (1,), the force; clipped to [-1, 1] by the dynamics.
        # terminated: the car reached the goal on the right hill, position >= 0.45.

        reward, individual_reward = self.compute_reward(position, velocity, action, terminated)

        fitness_score = self.compute_fitness_score(original_reward)
        individual_reward.update({'fitness_score': fitness_score})

        return observation, reward, terminated, truncated, individual_reward

    def compute_fitness_score(self, original_reward):
        """Ground truth: MountainCarContinuous-v0's own reward for this step."""
        return float(original_reward)
