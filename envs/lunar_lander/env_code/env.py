"""LunarLander-v3 for stable-eureka (discrete by default; `continuous: true` in kwargs works too).

A thin subclass of gymnasium's LunarLander: the physics, termination and rendering are
gymnasium's own; step() hands the outcome to `compute_reward`, which is not defined here
(stable-eureka binds the reward under test to a subclass at run time).
`compute_fitness_score` returns gymnasium's own reward, so an episode's fitness is its
LunarLander-v3 return.

LunarLander-v3's reward is the change of a "shaping" potential since the previous step,
minus fuel, replaced by -100 on a crash and +100 when the lander comes to rest. step()
passes what it needs beyond the observation: the previous shaping value, the engine
powers, whether the body touched the ground (game_over) and whether the lander is awake.
"""

import numpy as np
from gymnasium.envs.box2d.lunar_lander import LunarLander as GymLunarLander


class LunarLander(GymLunarLander):
    def step(self, action):
        # The shaping potential gymnasium computed after the previous step. reset() takes one
        # internal step with prev_shaping None and discards its reward: no reward call there.
        prev_shaping = self.prev_shaping

        # gymnasium's LunarLander step: physics, termination, original reward.
        observation, original_reward, terminated, truncated, _ = super().step(action)
        if prev_shaping is None:
            return observation, original_reward, terminated, truncated, {}

        # The observation, after the step: position relative to the landing pad (pad at 0, 0;
        # |x| >= 1 is off screen), velocity, angle (rad, 0 = level), angular velocity, and
        # 1.0 / 0.0 for each leg touching the ground.
        x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact = observation.tolist()
        # action: 0 do nothing, 1 fire left engine, 2 fire main engine, 3 fire right engine
        # (continuous: array [main, lateral] in [-1, 1]).
        # Throttle used this step, 0.0 when off, else 1.0 (continuous: 0.5 to 1.0).
        main_engine_power, side_engine_power = self._engine_powers(action)
        game_over = bool(self.game_over)  # the lander's body (not a leg) touched the ground: a crash
        lander_awake = bool(self.lander.awake)  # False once the lander has come to rest
        # terminated: crash, off screen, or at rest.

        reward, individual_reward = self.compute_reward(x, y, x_velocity, y_velocity, angle, angular_velocity, left_leg_contact, right_leg_contact, action, main_engine_power, side_engine_power, game_over, lander_awake, prev_shaping, terminated)

        fitness_score = self.compute_fitness_score(original_reward)
        individual_reward.update({'fitness_score': fitness_score})

        return observation, reward, terminated, truncated, individual_reward

    def _engine_powers(self, action):
        """Main and side engine throttle gymnasium's step() uses for this action (0.0 when off)."""
        if self.continuous:
            action = np.clip(action, -1, +1).astype(np.float64)
            main = (np.clip(action[0], 0.0, 1.0) + 1.0) * 0.5 if action[0] > 0.0 else 0.0
            side = np.clip(np.abs(action[1]), 0.5, 1.0) if np.abs(action[1]) > 0.5 else 0.0
        else:
            action = int(action)
            main = 1.0 if action == 2 else 0.0
            side = 1.0 if action in (1, 3) else 0.0
        return float(main), float(side)

    def compute_fitness_score(self, original_reward):
        """Ground truth: LunarLander-v3's own reward for this step."""
        return float(original_reward)
