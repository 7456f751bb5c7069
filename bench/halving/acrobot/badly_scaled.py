import numpy as np


def compute_reward(self, cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated):
    # Sensible terms (tip height, time penalty), but the torque penalty is ~1000x too large:
    # any push costs far more than anything else can earn, so the agent learns to do nothing.
    tip_height = -cos_theta1 - (cos_theta1 * cos_theta2 - sin_theta1 * sin_theta2)
    torque = float(int(action) - 1)
    components = {
        'time_penalty': -1.0,
        'height_reward': float(0.5 * np.clip(tip_height, -2.0, 2.0)),
        'torque_penalty': -float(1000.0 * torque ** 2),
        'goal_bonus': 100.0 if terminated else 0.0,
    }
    total = float(sum(components.values()))
    return total, components
