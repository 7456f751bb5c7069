import math
import numpy as np


def compute_reward(self, cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated):
    # Shaped (mediocre): positive height reward every step and a small goal bonus; because
    # every step pays, reaching the target (which ends the episode) is worth little more
    # than hovering high, and the velocity penalty fights the swing-up.
    tip_height = -cos_theta1 - (cos_theta1 * cos_theta2 - sin_theta1 * sin_theta2)
    height_reward = (tip_height + 2.0) / 4.0  # 0 hanging, 0.75 at the line
    velocity_penalty = -0.02 * (theta1_angular_velocity ** 2 + theta2_angular_velocity ** 2)

    components = {
        'height_reward': float(np.clip(height_reward, 0.0, 1.0)),
        'velocity_penalty': float(np.clip(velocity_penalty, -2.0, 0.0)),
        'goal_bonus': 5.0 if terminated else 0.0,
    }
    total = float(sum(components.values()))
    return total, components
