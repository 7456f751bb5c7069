import math

import numpy as np


def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    # Angle of the pendulum after the step, 0 = upright, in [-pi, pi].
    theta = math.atan2(sin_theta, cos_theta)

    upright_reward = np.exp(-2.0 * theta ** 2)
    velocity_penalty = -0.1 * (angular_velocity / self.max_speed) ** 2
    torque_penalty = -0.01 * (torque / self.max_torque) ** 2
    # Being near the top while still fast is not balancing: extra cost for that.
    near_top = 1.0 if abs(theta) < 0.3 else 0.0
    spin_at_top_penalty = -0.5 * near_top * min(abs(angular_velocity), 2.0)

    total_reward = upright_reward + velocity_penalty + torque_penalty + spin_at_top_penalty
    return float(total_reward), {
        'upright_reward': float(upright_reward),
        'velocity_penalty': velocity_penalty,
        'torque_penalty': torque_penalty,
        'spin_at_top_penalty': spin_at_top_penalty,
    }
