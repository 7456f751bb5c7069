import numpy as np


def compute_reward(self, cos_theta, sin_theta, angular_velocity, prev_theta, prev_angular_velocity, torque):
    # angle_normalize comes with the env module (used by its step()).
    theta = angle_normalize(np.arctan2(sin_theta, cos_theta))
    angle_cost = np.float64(theta ** 2)
    velocity_cost = np.float64(0.1 * angular_velocity ** 2)
    torque_cost = np.float64(0.001 * torque ** 2)
    # Bonus for being within ~10 degrees of upright with low speed.
    balanced_bonus = np.float64(1.0) if (abs(theta) < 0.17 and abs(angular_velocity) < 1.0) else np.float64(0.0)

    total = -angle_cost - velocity_cost - torque_cost + balanced_bonus
    return total, {
        'angle_cost': -angle_cost,
        'velocity_cost': -velocity_cost,
        'torque_cost': -torque_cost,
        'balanced_bonus': balanced_bonus,
    }
