import math
import numpy as np


def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    # Shaped (good, slightly over-engineered): a bounded balance score from angle and angular
    # velocity, a center-keeping term, a smoothness term on action switches, and a step count
    # kept on self that grows a small longevity bonus.
    if not hasattr(self, 'episode_steps_bench') or getattr(self, 'last_terminated_bench', False):
        self.episode_steps_bench = 0
    self.episode_steps_bench = self.episode_steps_bench + 1
    self.last_terminated_bench = bool(terminated)

    prev_action = getattr(self, 'prev_action_bench', None)
    switched = prev_action is not None and int(prev_action) != int(action)
    self.prev_action_bench = int(action)

    angle_score = 1.0 - (pole_angle / 0.2095) ** 2
    spin_score = 1.0 - min((pole_angular_velocity / 2.0) ** 2, 1.0)
    balance = float(np.clip(0.7 * angle_score + 0.3 * spin_score, 0.0, 1.0))
    center = 1.0 - min(abs(cart_position) / 2.4, 1.0)
    longevity = 0.2 * math.tanh(self.episode_steps_bench / 200.0)

    components = {
        'balance_reward': balance,
        'center_reward': float(0.3 * center),
        'longevity_bonus': float(longevity),
        'switch_penalty': -0.05 if switched else 0.0,
        'fall_penalty': -2.0 if terminated else 0.0,
    }
    total = float(sum(components.values()))
    return total, components
