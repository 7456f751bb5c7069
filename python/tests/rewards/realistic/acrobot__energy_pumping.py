import math

import numpy as np


def compute_reward(self, cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated):
    # Recover the angles and reward swinging energy, using the env's own constants.
    theta1 = math.atan2(sin_theta1, cos_theta1)
    theta2 = math.atan2(sin_theta2, cos_theta2)

    l1, l2 = self.LINK_LENGTH_1, self.LINK_LENGTH_2
    m1, m2 = self.LINK_MASS_1, self.LINK_MASS_2
    # Potential energy (0 when hanging straight down) and a simple kinetic term.
    potential = m1 * l1 * 0.5 * (1 - math.cos(theta1)) + m2 * (l1 * (1 - math.cos(theta1)) + 0.5 * l2 * (1 - math.cos(theta1 + theta2)))
    kinetic = 0.5 * (theta1_angular_velocity ** 2 + 0.5 * theta2_angular_velocity ** 2) * self.dt
    max_energy = (m1 * l1 + m2 * (2 * l1 + l2)) * 1.0

    energy_reward = float(np.clip((potential + kinetic) / max_energy, 0.0, 1.0))
    speed_limit_penalty = -0.01 * (
        max(0.0, abs(theta1_angular_velocity) - 0.9 * self.MAX_VEL_1)
        + max(0.0, abs(theta2_angular_velocity) - 0.9 * self.MAX_VEL_2)
    )
    step_penalty = -0.5
    success = 5.0 if terminated else 0.0

    total = energy_reward + speed_limit_penalty + step_penalty + success
    return total, {
        'energy_reward': energy_reward,
        'speed_limit_penalty': speed_limit_penalty,
        'step_penalty': step_penalty,
        'success': success,
    }
