"""Acrobot-v1 for stable-eureka.

A thin subclass of gymnasium's AcrobotEnv: the dynamics, termination and rendering are
gymnasium's own; step() hands the outcome to `compute_reward`, which is not defined here
(stable-eureka binds the reward under test to a subclass at run time).
`compute_fitness_score` returns gymnasium's own reward, so an episode's fitness is its
Acrobot-v1 return.
"""

from gymnasium.envs.classic_control.acrobot import AcrobotEnv as GymAcrobotEnv


class AcrobotEnv(GymAcrobotEnv):
    def step(self, action):
        # gymnasium's Acrobot step: dynamics, termination, original reward.
        observation, original_reward, terminated, truncated, _ = super().step(action)

        # The observation, after the step. theta1: angle of the first link (0 = hanging
        # straight down); theta2: angle of the second link relative to the first.
        cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity = observation.tolist()
        # action: 0, 1, 2 apply a torque of -1, 0, +1 to the joint between the two links.
        # terminated: the free end rose above the target, -cos(theta1) - cos(theta1 + theta2) > 1.0.

        reward, individual_reward = self.compute_reward(cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated)

        fitness_score = self.compute_fitness_score(original_reward)
        individual_reward.update({'fitness_score': fitness_score})

        return observation, reward, terminated, truncated, individual_reward

    def compute_fitness_score(self, original_reward):
        """Ground truth: Acrobot-v1's own reward for this step (-1 per step, 0 on reaching the target)."""
        return float(original_reward)
