import math
import numpy as np


def compute_reward(self, cos_theta1, sin_theta1, cos_theta2, sin_theta2, theta1_angular_velocity, theta2_angular_velocity, action, terminated):
    # Shaped (good): the time penalty kept as the main signal, plus a potential-based
    # height term (change of tip height since the previous step, kept on self).
    tip_height = -cos_theta1 - (cos_theta1 * cos_theta2 - sin_theta1 * sin_theta2)
    prev_height = getattr(self, 'prev_tip_height', None)
    if prev_height is None or abs(tip_height - prev_height) > 1.0:
        prev_height = tip_height
    height_progress = 0.99 * tip_height - prev_height

    components = {
        'time_penalty': 0.0 if terminated else -1.0,
        'height_progress': float(np.clip(2.0 * height_progress, -1.0, 1.0)),
        'goal_bonus': 10.0 if terminated else 0.0,
    }
    self.prev_tip_height = None if terminated else tip_height

    total = float(sum(components.values()))
    return total, components
