import math
import numpy as np


def compute_reward(self, cart_position, cart_velocity, pole_angle, pole_angular_velocity, action, terminated):
    # Keep the pole upright and the cart near the center; punish jerky changes of the
    # pole's angular velocity between consecutive steps.
    if not hasattr(self, 'prev_pole_angular_velocity'):
        self.prev_pole_angular_velocity = pole_angular_velocity

    upright_reward = math.cos(pole_angle)  # 1.0 when perfectly upright
    center_reward = 1.0 - min(abs(cart_position) / 2.4, 1.0)
    angular_accel = pole_angular_velocity - self.prev_pole_angular_velocity
    smoothness_penalty = -0.05 * angular_accel ** 2
    failure_penalty = -10.0 if terminated else 0.0

    self.prev_pole_angular_velocity = pole_angular_velocity

    total_reward = upright_reward + 0.5 * center_reward + smoothness_penalty + failure_penalty
    assert np.isfinite(total_reward), f"non-finite reward {total_reward} at angle {pole_angle:.3f}"
    reward_components = {
        'upright_reward': upright_reward,
        'center_reward': center_reward,
        'smoothness_penalty': smoothness_penalty,
        'failure_penalty': failure_penalty,
    }
    return total_reward, reward_components
